/* nashra embed view: tells the host page how tall the card is, on load and whenever it changes.
   Message: {type: "nashra:embed", version: 1, height: <CSS pixels>}, to the parent window only. */
(function () {
  "use strict";
  if (window.parent === window) return;
  let last = -1;
  function post() {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "nashra:embed", version: 1, height: height }, "*");
  }
  window.addEventListener("load", post);
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(document.body);
  else window.addEventListener("resize", post);
  post();
})();
