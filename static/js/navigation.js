/* The navigation's menu button on a phone (below 576 px, templates/base.html): it folds and unfolds
   the links, as Bootstrap's collapse did without its 80 KB bundle. The button names the block it
   controls (aria-controls) and says whether it is open (aria-expanded); Bootstrap's CSS shows a
   `.collapse` only with `.show`. Without JavaScript the links stay unfolded (no-script.css). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-navigation-toggle]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    var open = !menu.classList.contains("show");
    menu.classList.toggle("show", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
