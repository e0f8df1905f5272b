/* nashra embed view: tells the host page how tall the card is, on load, whenever it changes, and when the
   host's loader asks ({type: "nashra:embed-ask", version: 1} from the parent window).
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
  // The host's loader may start after this view has loaded (both load at once): it asks, and we answer.
  window.addEventListener("message", function (event) {
    const data = event.data;
    if (event.source !== window.parent || !data || data.type !== "nashra:embed-ask" || data.version !== 1) return;
    last = -1;
    post();
  });
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(document.body);
  else window.addEventListener("resize", post);
  post();
})();
