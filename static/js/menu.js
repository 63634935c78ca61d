// The site menu on phones: collapsed behind its « Menu » button. Without JavaScript
// the button stays hidden and the menu open (site.css keys on the "js" class).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".site-menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!toggle || !menu) {
      return;
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
  });
})();

// A folded section that the address names (results#classement-5) opens.
(function () {
  "use strict";
  function openNamed() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
  }
  document.addEventListener("DOMContentLoaded", openNamed);
  window.addEventListener("hashchange", openNamed);
})();
