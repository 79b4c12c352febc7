/* glossator.js: optional; tooltips work without it (hover and focus show them).
   - Escape hides the tooltip under the pointer or focus (WCAG 2.2 SC 1.4.13);
   - a tap or click on a term toggles its tooltip; opened by a tap (touch screens), the
     tooltip gets a close button, named "Fermer" (not in the spip markup, whose tooltip
     lies inside a link, which cannot hold a button);
   - a tooltip stays open while the pointer is over the term or the tooltip (CSS);
   - a tooltip that would run past the right edge of the window is moved back in (only
     where the browser lacks CSS anchor positioning, with which the stylesheet does it).
   No dependencies, no inline handlers, no eval: load it with
   <script defer src="glossator.js"></script>. */
(function () {
  "use strict";
  var WRAP = ".glossator, a.cs_glossaire";
  var TERM = ".glossator-term, .gl_mot";
  var TIP = ".glossator-tip, .gl_dl";
  var CLOSE = "glossator-close";
  var touched = false; // the last pointer was a finger (or the screen has no hover)

  function fit(w) {
    var tip = w.querySelector(TIP);
    if (!tip) return;
    tip.style.removeProperty("translate");
    var area = window.getComputedStyle(tip).getPropertyValue("position-area");
    if (area && area !== "none") return; // CSS anchor positioning keeps it in already
    var r = tip.getBoundingClientRect();
    var over = r.right - (document.documentElement.clientWidth - 8);
    if (r.width && over > 0) tip.style.setProperty("translate", -Math.min(over, r.left - 8) + "px 0");
  }
  function show(e) {
    var w = e.target instanceof Element ? e.target.closest(WRAP) : null;
    if (w) window.requestAnimationFrame(function () { fit(w); });
  }
  document.addEventListener("mouseover", show);
  document.addEventListener("focusin", show);

  function wrappers() {
    return document.querySelectorAll(WRAP);
  }
  function reset(w) {
    w.removeAttribute("data-glossator-hidden");
    w.removeAttribute("data-glossator-open");
  }
  function leaving(w, to) {
    return !(to instanceof Node && w.contains(to));
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    wrappers().forEach(function (w) {
      w.removeAttribute("data-glossator-open");
      if (w.matches(":hover, :focus-within")) w.setAttribute("data-glossator-hidden", "");
    });
  });

  document.addEventListener("pointerdown", function (e) {
    touched = e.pointerType === "touch" || e.pointerType === "pen";
  });
  function touchScreen() {
    return touched || (window.matchMedia && window.matchMedia("(hover: none)").matches);
  }
  function addClose(w) {
    var tip = w.querySelector(TIP);
    if (!tip || !w.classList.contains("glossator") || tip.querySelector("." + CLOSE)) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = CLOSE;
    button.setAttribute("aria-label", "Fermer");
    button.textContent = "\u00d7";
    tip.insertBefore(button, tip.firstChild);
  }

  document.addEventListener("click", function (e) {
    var close = e.target instanceof Element ? e.target.closest("." + CLOSE) : null;
    if (close) {
      var own = close.closest(WRAP);
      if (own) {
        reset(own);
        own.setAttribute("data-glossator-hidden", "");
      }
      return;
    }
    var term = e.target instanceof Element ? e.target.closest(TERM) : null;
    var w = term ? term.closest(WRAP) : null;
    wrappers().forEach(function (other) {
      if (other !== w) other.removeAttribute("data-glossator-open");
    });
    if (!w) return;
    if (w.hasAttribute("data-glossator-open")) {
      reset(w);
      w.setAttribute("data-glossator-hidden", "");
    } else {
      reset(w);
      w.setAttribute("data-glossator-open", "");
      if (touchScreen()) addClose(w);
    }
  });

  document.addEventListener("mouseout", function (e) {
    var w = e.target instanceof Element ? e.target.closest(WRAP) : null;
    if (w && leaving(w, e.relatedTarget) && !w.contains(document.activeElement)) reset(w);
  });

  document.addEventListener("focusout", function (e) {
    var w = e.target instanceof Element ? e.target.closest(WRAP) : null;
    if (w && leaving(w, e.relatedTarget) && !w.matches(":hover")) reset(w);
  });
})();
