<!DOCTYPE html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo( 'charset' ); ?>">
<?php wp_head(); ?>
</head>
<body>
<main>
<?php
while ( have_posts() ) :
	the_post();
	?>
<article id="post-<?php the_ID(); ?>">
<h1><?php the_title(); ?></h1>
<div class="entry-content">
<?php the_content(); ?>
</div>
</article>
<?php endwhile; ?>
</main>
<?php wp_footer(); ?>
</body>
</html>
