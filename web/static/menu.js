// The header's menu folds behind its button on a narrow screen.
//
// The page comes with the menu open, so that without this script every link
// still shows (stacked under the header). Here it folds when the screen is
// narrow, and opens again when the window grows to a desk's width, where the
// button is not shown. It runs right after the menu, before the page paints.
(function () {
  "use strict";
  var menu = document.querySelector("header .menu");
  if (!menu || menu.classList.contains("menu-short")) return;
  document.documentElement.classList.add("menu-folds");
  var narrow = window.matchMedia("(max-width: 48rem)");
  function fit() { menu.open = !narrow.matches; }
  fit();
  narrow.addEventListener("change", fit);
})();
