"""The WordPress plugin (integrations/wordpress/glossator) in a real WordPress.

Debian's WordPress 6.1 and PHP 8.2 on a private MariaDB server, served by PHP's built-in
web server on loopback, calling a real ``glossator serve`` on loopback
(tests/support/php.py; installed by tools/provision-tests.sh). The site is made once for
the module; each test sets the plugin's settings it needs.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serve_support import Server, start_server
from support.markup import strip_glossator_markup
from support.php import (
    LINKS,
    PLUGIN,
    REPO_ROOT,
    MariaDB,
    PhpServer,
    Site,
    free_port,
    make_site,
    require_php,
    require_wordpress,
    service_takes,
    start_mariadb,
)
from support.rogue import rogue_service

POST = ("<p>L’ESS rassemble des structures variées.</p>\n\n"
        "<p>Les pôles de coopération, ou [sigle]PTCE[/sigle], en sont un exemple.</p>\n\n"
        '<p class="noglossary">Ici, ESS reste tel quel.</p>')


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, PhpServer]]:
    php, mariadbd, install_db = require_wordpress()
    base = tmp_path_factory.mktemp("wordpress")
    db: MariaDB = start_mariadb(base, mariadbd, install_db)
    web: PhpServer | None = None
    try:
        port = free_port()
        site = make_site(base, php, db, port)
        web = PhpServer(php, site.root, port, base / "php-server.log")
        yield site, web
    finally:
        if web is not None:
            web.stop()
        db.stop()


@pytest.fixture(scope="module")
def service() -> Iterator[Server]:
    server = start_server()
    yield server
    server.stop()


def configure(site: Site, **settings: Any) -> None:
    """Save the plugin's settings (through its own sanitizer, as the form posts them:
    post types checked, posts and pages unless told) and forget its cache."""
    settings.setdefault("post_types", ["post", "page"])
    site.run(f"""
        $settings = glossator_sanitize_settings( json_decode( '{json.dumps(settings)}', true ) );
        update_option( GLOSSATOR_OPTION, $settings );
        glossator_flush_cache();
        delete_option( GLOSSATOR_ERROR_OPTION );
    """)


def new_post(site: Site, content: str, post_type: str = "post") -> int:
    """A published post; its ID."""
    return int(site.run(f"""
        echo wp_insert_post( array( 'post_title' => 'Essai', 'post_status' => 'publish',
            'post_type' => '{post_type}', 'post_content' => {php_string(content)} ) );
    """))


def php_string(text: str) -> str:
    """``text`` as a PHP string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def content_of(page: str) -> str:
    """The post's content in the test theme's page."""
    return page.split('<div class="entry-content">', 1)[1].split("</div>\n</article>", 1)[0]


def admin_notices(site: Site) -> str:
    """What the admin_notices hook prints for the administrator."""
    return site.run("wp_set_current_user( 1 ); do_action( 'admin_notices' );")


def test_a_post_is_annotated_after_its_shortcodes_and_links_the_assets(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    site, web = wordpress
    configure(site, url=service.base, post_types=["post", "page"])
    post = new_post(site, POST)
    status, page = web.get(f"/?p={post}")
    assert status == 200
    content = content_of(page)
    # ESS in the first paragraph; PTCE only exists once the [sigle] shortcode has run
    assert 'data-glossator-entry="ess"' in content
    assert re.search(r'<strong><span class="glossator" data-glossator-entry="ptce">', content)
    # the noglossary paragraph is left alone
    assert '<p class="noglossary">Ici, ESS reste tel quel.</p>' in content
    head = page.split("</head>", 1)[0]
    assert re.search(r"<link rel='stylesheet' id='glossator-css' href='[^']*/wp-content/"
                     r"plugins/glossator/assets/glossator\.css\?ver=[^']*'", head)
    assert re.search(r"<script [^>]*defer src='[^']*/plugins/glossator/assets/glossator\.js",
                     page)
    assert not re.search(r"\b(Warning|Notice|Fatal error)\b", page)
    # the shipped files are served as they are
    assert web.get("/wp-content/plugins/glossator/assets/glossator.css")[0] == 200


def test_the_service_stopped_the_same_post_is_served_unannotated_byte_for_byte(
        wordpress: tuple[Site, PhpServer]) -> None:
    site, web = wordpress
    own = start_server()
    try:
        configure(site, url=own.base)
        post = new_post(site, POST)
        annotated = web.get(f"/?p={post}")[1]
        assert 'data-glossator-entry="ptce"' in annotated
    finally:
        own.stop()
    # annotated pages kept in the cache still serve annotated
    assert web.get(f"/?p={post}")[1] == annotated
    site.run("glossator_flush_cache();")
    status, page = web.get(f"/?p={post}")
    assert status == 200
    assert "data-glossator-entry" not in page
    assert page == strip_glossator_markup(annotated)  # only glossator's markup differs
    assert not re.search(r"\b(Warning|Notice|Fatal error)\b", page)
    notice = admin_notices(site)
    assert 'class="notice notice-warning"' in notice
    assert "pages are served unannotated" in notice


def test_a_service_slower_than_the_timeout_is_not_waited_for(
        wordpress: tuple[Site, PhpServer]) -> None:
    site, web = wordpress
    # a listener that accepts and never answers: the plugin's 2 s timeout ends the wait
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        configure(site, url=f"http://127.0.0.1:{listener.getsockname()[1]}")
        post = new_post(site, POST)
        status, page = web.get(f"/?p={post}", timeout=60)
        assert accepted, "the plugin did not call the service"
    finally:
        listener.close()
        for conn in accepted:
            conn.close()
    assert status == 200
    assert "data-glossator-entry" not in page
    assert "<p>L’ESS rassemble des structures variées.</p>" in page
    assert "timed out" in admin_notices(site).lower()


def test_a_service_trickling_its_answer_is_not_waited_for(
        wordpress: tuple[Site, PhpServer]) -> None:
    # headers at once, then 4 bytes every half second for a minute: the timeout bounds
    # the whole request, not each read
    site, web = wordpress
    with rogue_service(lambda sent: sent + " " * 2000, trickle=0.5, trickle_for=60) as service:
        configure(site, url=service.base)
        post = new_post(site, POST)
        status, page = web.get(f"/?p={post}", timeout=30)
        assert service.received
    assert status == 200 and "<p>L’ESS rassemble des structures variées.</p>" in page
    assert "timed out" in admin_notices(site).lower()


@pytest.mark.parametrize("seconds", ["0", "-1"])
def test_a_filtered_timeout_stays_a_short_bound(wordpress: tuple[Site, PhpServer],
                                                seconds: str) -> None:
    # 0 means "no limit" to WordPress's HTTP API: a filter saying 0 must not hang pages
    site, _ = wordpress
    with rogue_service(lambda sent: sent + " " * 2000, trickle=0.5, trickle_for=200) as service:
        configure(site, url=service.base)
        kept = site.run(f"""
            add_filter( 'glossator_timeout', function () {{ return {seconds}; }} );
            $post = {php_string(POST)};
            echo glossator_annotate( $post ) === $post ? 'as it came' : 'changed';
        """, timeout=30)
        assert service.received
    assert kept == "as it came"
    assert "timed out" in admin_notices(site).lower()


def test_the_per_post_switch_needs_its_nonce_and_turns_glossator_off(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    site, web = wordpress
    configure(site, url=service.base)
    post = new_post(site, POST)
    # a save without the meta box's nonce changes nothing
    site.run(f"""
        wp_set_current_user( 1 );
        $_POST = array( 'glossator_off' => '1' );
        glossator_save_post( {post} );
    """)
    assert 'data-glossator-entry="ess"' in web.get(f"/?p={post}")[1]
    # nor does one by a user who cannot edit the post, nonce or not
    site.run(f"""
        $id = wp_insert_user( array( 'user_login' => 'lecteur', 'user_pass' => 'x',
                                     'role' => 'subscriber' ) );
        wp_set_current_user( $id );
        $_POST = array( 'glossator_off' => '1',
                        'glossator_nonce' => wp_create_nonce( 'glossator_switch_{post}' ) );
        glossator_save_post( {post} );
    """)
    assert 'data-glossator-entry="ess"' in web.get(f"/?p={post}")[1]
    # the editor's own save, with the nonce of the box, turns it off
    box = site.run(f"""
        wp_set_current_user( 1 );
        glossator_meta_box( get_post( {post} ) );
        $_POST = array( 'glossator_off' => '1',
                        'glossator_nonce' => wp_create_nonce( 'glossator_switch_{post}' ) );
        glossator_save_post( {post} );
    """)
    assert 'name="glossator_nonce"' in box and 'name="glossator_off"' in box
    page = web.get(f"/?p={post}")[1]
    assert "data-glossator-entry" not in page
    assert "glossator.css" not in page  # nothing to style: nothing linked


def test_post_types_not_chosen_are_left_alone(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    site, web = wordpress
    configure(site, url=service.base, post_types=["post"])
    page_id = new_post(site, POST, post_type="page")
    page = web.get(f"/?page_id={page_id}")[1]
    assert "<p>L’ESS rassemble des structures variées.</p>" in page
    assert "data-glossator-entry" not in page


def test_the_glossaire_shortcode_renders_the_index_and_terms_link_to_it(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    site, web = wordpress
    configure(site, url=service.base)
    index_id = new_post(site, "<p>Les sigles de l’ESS :</p>\n\n[glossaire]", post_type="page")
    index_url = f"{site.url}/?page_id={index_id}"
    page = web.get(f"/?page_id={index_id}")[1]
    index = page.split('<div class="glossator-index noglossary">', 1)[1].split("</div>", 1)[0]
    entries = service.request("GET", "/v1/glossaries/default/entries").json()["entries"]
    assert index.count("<dt id=") == len(entries)
    assert '<dt id="glossaire-ess">ESS' in index
    assert "data-glossator-entry" not in index  # the index itself is not annotated
    assert re.search(r'<nav aria-label="Index alphabétique"><a href="#lettre-a">A</a>', index)
    # with the index page set, each annotated term links to its entry there
    configure(site, url=service.base, link_to=index_url)
    post = new_post(site, POST)
    content = content_of(web.get(f"/?p={post}")[1])
    assert re.search(r'<a class="glossator-term" href="[^"]*page_id=' + str(index_id)
                     + r'#glossaire-ess"', content.replace("&amp;", "&").replace("&#038;", "&"))


def test_glossary_data_is_never_active_markup(
        wordpress: tuple[Site, PhpServer], tmp_path: Path) -> None:
    site, web = wordpress
    glossary = tmp_path / "g.yaml"
    glossary.write_text(
        "- term: ESS\n"
        "  title: '<script>alert(1)</script>'\n"
        "  definition: '<img src=x onerror=alert(2)> \"quoted\"'\n"
        "  url: 'javascript:alert(3)'\n"
        "  source: '<b>s</b>'\n", encoding="utf-8")
    own = start_server("-g", str(glossary))
    try:
        configure(site, url=own.base)
        index_id = new_post(site, "[glossaire]", post_type="page")
        post = new_post(site, POST)
        index = web.get(f"/?page_id={index_id}")[1]
        annotated = web.get(f"/?p={post}")[1]
    finally:
        own.stop()
    assert '<dt id="glossaire-ess">ESS' in index and 'data-glossator-entry="ess"' in annotated
    for page in (content_of(index), content_of(annotated)):
        assert "<script>alert" not in page and "<img" not in page and "<b>s" not in page
        assert "javascript:" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in content_of(index)


def test_the_index_s_sections_and_sources_are_those_of_glossator_index(
        wordpress: tuple[Site, PhpServer], tmp_path: Path) -> None:
    # an entry whose id is lettre-a has the anchor glossaire-lettre-a, which was also the
    # "A" heading's id; a source without a url was dropped; its labels were English
    import glossator
    from glossator.render.index import sections

    site, web = wordpress
    glossary = tmp_path / "g.yaml"
    glossary.write_text(
        "- {term: Alpha, id: lettre-a, definition: La première.}\n"
        "- {term: ESS, definition: Économie sociale., source: Loi 2014}\n"
        "- {term: PTCE, definition: Pôles., url: 'https://exemple.org/ptce'}\n"
        "- {term: 2CV, definition: Une voiture.}\n"
        "- {term: Ωméga, definition: La dernière.}\n", encoding="utf-8")
    own = start_server("-g", str(glossary))
    try:
        configure(site, url=own.base)
        index_id = new_post(site, "[glossaire]", post_type="page")
        index = content_of(web.get(f"/?page_id={index_id}")[1])
    finally:
        own.stop()
    ids = re.findall(r' id="([^"]+)"', index)
    assert len(ids) == len(set(ids)), ids
    headings = re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', index)
    assert headings == [(s.anchor, s.heading) for s in sections(glossator.load_glossary(glossary))]
    assert [h for h, _ in headings] == ["lettre-0-9", "lettre-a", "lettre-e", "lettre-p",
                                        "lettre-autres"]
    assert '<dt id="glossaire-lettre-a">Alpha' in index
    assert 'Source&#160;: Loi 2014</span>' in index
    assert 'Source&#160;: <a href="https://exemple.org/ptce">https://exemple.org/ptce</a>' in index
    assert 'aria-label="Index alphabétique"' in index and "Source:" not in index


def test_the_token_is_sent_and_a_refusal_fails_open(
        wordpress: tuple[Site, PhpServer], tmp_path: Path) -> None:
    site, web = wordpress
    own = start_server("--token", "s3cret")
    try:
        configure(site, url=own.base, token="wrong")
        post = new_post(site, POST)
        assert "data-glossator-entry" not in web.get(f"/?p={post}")[1]
        assert "HTTP 401" in admin_notices(site)
        configure(site, url=own.base, token="s3cret")
        assert 'data-glossator-entry="ess"' in web.get(f"/?p={post}")[1]
        assert admin_notices(site).strip() == ""  # a success clears the notice
    finally:
        own.stop()


def test_settings_are_sanitized_escaped_and_posted_with_a_nonce(
        wordpress: tuple[Site, PhpServer]) -> None:
    site, _ = wordpress
    kept = json.loads(site.run("""
        update_option( GLOSSATOR_OPTION, array() );  // a refused value keeps the saved one
        echo wp_json_encode( glossator_sanitize_settings( array(
            'url' => 'javascript:alert(1)', 'glossary' => '"><script>x</script>',
            'markup' => 'evil', 'occurrences' => 'all', 'post_types' => array( 'post', 'nope' ),
            'link_to' => 'javascript:alert(2)' ) ) );
    """))
    assert kept["url"].startswith("http") and kept["glossary"] == "default"
    assert kept["markup"] == "glossator" and kept["occurrences"] == "all"
    assert kept["post_types"] == ["post"] and kept["link_to"] == ""
    # whatever is stored, the page escapes it; the form carries the Settings API's nonce
    form = site.run("""
        require_once ABSPATH . 'wp-admin/includes/admin.php';
        update_option( GLOSSATOR_OPTION, array( 'url' => 'http://127.0.0.1:9/"><script>u</script>',
            'glossary' => '"><script>g</script>', 'token' => '"><script>t</script>' ) );
        wp_set_current_user( 1 );
        glossator_admin_init();  // (not all of admin_init: WordPress would check for updates)
        $GLOBALS['title'] = 'Glossator';
        glossator_settings_page();
    """)
    assert "<script>" not in form
    assert "&quot;&gt;&lt;script&gt;g&lt;/script&gt;" in form
    assert "t&lt;/script" not in form  # the token is never written back
    assert re.search(r"name=.option_page. value=.glossator.", form)
    assert re.search(r"name=._wpnonce. value=.[0-9a-f]{10}.", form)
    assert 'action="options.php"' in form
    # someone without manage_options gets no page and no notice
    assert site.run("""
        $id = wp_insert_user( array( 'user_login' => 'auteur', 'user_pass' => 'x',
                                     'role' => 'author' ) );
        wp_set_current_user( $id );
        update_option( GLOSSATOR_ERROR_OPTION, array( 'time' => time(), 'message' => 'x' ) );
        glossator_settings_page();
        do_action( 'admin_notices' );
    """).strip() == ""


def test_uninstall_removes_the_settings_cache_and_switches(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    site, web = wordpress
    configure(site, url=service.base)
    post = new_post(site, POST)
    web.get(f"/?p={post}")
    left = site.run(f"""
        global $wpdb;
        $mine = function () use ( $wpdb ) {{
            return count( $wpdb->get_col( "SELECT option_name FROM {{$wpdb->options}}"
                . " WHERE option_name LIKE 'glossator\\_%'"
                . " OR option_name LIKE '\\_transient\\_%glossator\\_%'" ) )
                . ' ' . $wpdb->get_var( "SELECT COUNT(*) FROM {{$wpdb->postmeta}}"
                . " WHERE meta_key = '_glossator_off'" );
        }};
        update_post_meta( {post}, '_glossator_off', '1' );
        echo $mine(), ' ';
        define( 'WP_UNINSTALL_PLUGIN', 'glossator/glossator.php' );
        include WP_PLUGIN_DIR . '/glossator/uninstall.php';
        echo $mine();
    """).split()
    assert int(left[0]) >= 4 and int(left[1]) >= 1  # settings, generation, version, page
    assert left[2:] == ["0", "0"]


def test_the_shipped_assets_are_glossator_s_own() -> None:
    # the plugin ships the package's stylesheet and script (visitors' browsers cannot reach
    # a service bound to 127.0.0.1); after changing them: cp src/glossator/assets/glossator.{css,js}
    # integrations/wordpress/glossator/assets/ integrations/spip/glossator/css|javascript
    assets = REPO_ROOT / "src" / "glossator" / "assets"
    for name in ("glossator.css", "glossator.js"):
        assert (PLUGIN / "assets" / name).read_bytes() == (assets / name).read_bytes(), name


def test_the_plugin_is_valid_php() -> None:
    php = require_php()
    for path in sorted(PLUGIN.rglob("*.php")):
        done = subprocess.run([php, "-l", str(path)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_default_block_theme_annotates_too(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    # Twenty Twenty-Three renders a post with its post-content block, outside the classic
    # loop of a theme's index.php
    site, web = wordpress
    configure(site, url=service.base)
    post = new_post(site, POST)
    site.run("switch_theme( 'twentytwentythree' );")
    try:
        status, page = web.get(f"/?p={post}")
    finally:
        site.run("switch_theme( 'glossator-test' );")
    assert status == 200
    assert 'data-glossator-entry="ess"' in page and 'data-glossator-entry="ptce"' in page
    assert "glossator-css" in page.split("</head>", 1)[0]
    assert not re.search(r"\b(Warning|Notice|Fatal error)\b", page)


#: what a rogue service (a wrong URL, another program, a man in the middle) may answer
#: for the HTML it is sent, each with glossator's look
ROGUE_ANSWERS: dict[str, Any] = {
    "script added": lambda sent: sent + "<script>alert(1)</script>",
    "handler in glossator's markup": lambda sent: sent.replace(
        "ESS", '<span class="glossator" data-glossator-entry="ess" onmouseover="alert(1)">'
               "ESS</span>", 1),
    "glossator's markup inside an attribute": lambda sent: sent.replace(
        "<p>", '<p title="<span class=&quot;glossator&quot;>">', 1),
    "another page": lambda sent: "<h1>It works!</h1>",
}


@pytest.mark.parametrize("rogue", sorted(ROGUE_ANSWERS))
def test_an_answer_that_is_not_the_post_with_glossator_s_markup_is_not_served(
        wordpress: tuple[Site, PhpServer], rogue: str) -> None:
    site, web = wordpress
    with rogue_service(ROGUE_ANSWERS[rogue]) as service:
        configure(site, url=service.base)
        post = new_post(site, POST)
        status, page = web.get(f"/?p={post}")
        assert service.received, "the plugin did not call the service"
    assert status == 200
    content = content_of(page)
    assert "alert(1)" not in page and "It works" not in page and "title=" not in content
    assert "<p>L’ESS rassemble des structures variées.</p>" in content
    notice = admin_notices(site)
    assert "the service&#039;s answer was refused" in notice
    # nothing is kept: the service answering right again, the post is annotated
    site.run("delete_transient( 'glossator_down' );")
    with rogue_service(lambda sent: sent) as honest:
        configure(site, url=honest.base)
        assert web.get(f"/?p={post}")[1] == page
        assert honest.received


def test_a_service_url_without_a_host_is_refused_and_the_administrator_told(
        wordpress: tuple[Site, PhpServer]) -> None:
    site, _ = wordpress
    for url in ("/relative", "http://", "javascript:alert(1)", "ftp://127.0.0.1/"):
        said = json.loads(site.run(f"""
            require_once ABSPATH . 'wp-admin/includes/template.php';
            update_option( GLOSSATOR_OPTION, array( 'url' => 'http://127.0.0.1:8765' ) );
            $kept = glossator_sanitize_settings( array( 'url' => {php_string(url)} ) );
            echo wp_json_encode( array( $kept['url'], wp_list_pluck(
                get_settings_errors( GLOSSATOR_OPTION ), 'code' ) ) );
        """))
        assert said == ["http://127.0.0.1:8765", ["glossator_url"]], url


def test_the_index_page_is_kept_as_typed_and_checked_by_the_service_s_own_rules(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    # esc_url_raw() made glossaire.html http://glossaire.html and dropped {id}'s braces;
    # a #fragment the service refuses (HTTP 400) was saved, and every post then failed
    links = [*LINKS, "/?page_id=2&x=1"]
    said = json.loads(wordpress[0].run(f"""
        require_once ABSPATH . 'wp-admin/includes/template.php';
        $out = array();
        foreach ( json_decode( {php_string(json.dumps(links))}, true ) as $link ) {{
            update_option( GLOSSATOR_OPTION, array( 'link_to' => 'kept.html' ) );
            $GLOBALS['wp_settings_errors'] = array();
            $kept = glossator_sanitize_settings( array( 'link_to' => $link ) );
            $out[] = array( $kept['link_to'], wp_list_pluck(
                get_settings_errors( GLOSSATOR_OPTION ), 'code' ) );
        }}
        echo wp_json_encode( $out );
    """))
    for link, (kept, errors) in zip(links, said, strict=True):
        if service_takes(link):
            assert [kept, errors] == [link, []], link
        else:
            assert [kept, errors] == ["kept.html", ["glossator_link_to"]], link
    # a template with {id} works end to end: terms link to /glossaire/ID
    site, web = wordpress
    configure(site, url=service.base, link_to="/glossaire/{id}")
    post = new_post(site, POST)
    content = content_of(web.get(f"/?p={post}")[1])
    assert '<a class="glossator-term" href="/glossaire/ess"' in content
    # one saved before it was checked is not sent: posts are annotated, without links
    site.run(f"""update_option( GLOSSATOR_OPTION, array( 'url' => '{service.base}',
        'link_to' => 'https://site.example/glossaire/#lexique' ) ); glossator_flush_cache();""")
    content = content_of(web.get(f"/?p={post}")[1])
    assert 'data-glossator-entry="ess"' in content and "glossator-term\" href" not in content


def test_an_index_of_an_unknown_glossary_pauses_nothing(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    # any author may write the shortcode: a typo, or a name made to reach another route
    site, web = wordpress
    configure(site, url=service.base)
    typo = new_post(site, '[glossaire glossary="nope"] [glossaire glossary=".."]')
    post = new_post(site, POST)
    status, page = web.get(f"/?p={typo}")
    assert status == 200 and "glossator-index" not in page
    assert not re.search(r"\b(Warning|Notice|Fatal error)\b", page)
    assert 'data-glossator-entry="ess"' in web.get(f"/?p={post}")[1]  # and nothing paused


def test_an_endless_answer_is_not_read_whole(wordpress: tuple[Site, PhpServer]) -> None:
    # 100 MB where a few kilobytes were due, with PHP's memory capped as hosts cap it
    site, _ = wordpress
    with rogue_service(lambda sent: sent + " " * 100_000_000) as service:
        configure(site, url=service.base)
        kept = site.run(f"""
            ini_set( 'memory_limit', '64M' );
            $post = {php_string(POST)};
            echo glossator_annotate( $post ) === $post ? 'as it came' : 'changed';
        """, check=False)
        assert service.received
    assert kept == "as it came"
    # WordPress reads the rest without keeping it: cut and refused, or past the timeout
    notice = admin_notices(site)
    assert "the service&#039;s answer was refused" in notice or "timed out" in notice


def test_the_first_save_of_the_settings_also_forgets_the_pause(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    # a fresh site has no option yet: its first save adds it, and must end the pause a
    # failure started, as any later save does
    site, web = wordpress
    post = new_post(site, POST)
    site.run(f"""
        delete_option( GLOSSATOR_OPTION );
        set_transient( 'glossator_down', 1, 30 );
        update_option( GLOSSATOR_OPTION, array( 'url' => '{service.base}' ) );
    """)
    assert 'data-glossator-entry="ess"' in web.get(f"/?p={post}")[1]


def test_a_cached_text_that_is_not_the_post_with_glossator_s_markup_is_not_served(
        wordpress: tuple[Site, PhpServer], service: Server) -> None:
    # what a version of the plugin that did not check answers may have kept
    site, web = wordpress
    configure(site, url=service.base)
    post = new_post(site, POST)
    annotated = web.get(f"/?p={post}")[1]
    changed = site.run("""
        global $wpdb;
        echo $wpdb->query( "UPDATE {$wpdb->options} SET option_value = CONCAT( option_value,"
            . " '<script>alert(1)</script>' ) WHERE option_name LIKE '_transient_glossator_c_%'" );
    """)
    assert changed == "1"
    page = web.get(f"/?p={post}")[1]
    assert "<script>alert(1)" not in page
    assert page == annotated  # asked again of the service


def test_the_notice_quotes_a_service_s_reason_in_one_escaped_line(
        wordpress: tuple[Site, PhpServer]) -> None:
    site, web = wordpress
    detail = "<script>alert(1)</script>" + "x" * 100_000
    with rogue_service(lambda sent: json.dumps({"detail": detail}), status=500,
                       content_type="application/problem+json") as service:
        configure(site, url=service.base)
        post = new_post(site, POST)
        assert "alert" not in web.get(f"/?p={post}")[1]  # visitors see nothing of it
    notice = admin_notices(site)
    assert "HTTP 500: &lt;script&gt;alert(1)&lt;/script&gt;xxx" in notice
    assert "<script>" not in notice and len(notice) < 1000
