/* nashra embed loader, for the host page: sizes each <iframe data-nashra-embed> to the height its card
   reports. Only messages from this script's own origin, with the expected shape, from one of those
   iframes are obeyed. Loaded once however many embeds the page has. */
(function () {
  "use strict";
  if (window.nashraEmbedLoader) return;
  const script = document.currentScript;
  const origin = script ? new URL(script.src, document.baseURI).origin : null;
  window.nashraEmbedLoader = { origin: origin };
  if (!origin) return;
  const MAX_HEIGHT = 10000;
  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    const data = event.data;
    if (!data || typeof data !== "object" || data.type !== "nashra:embed" || data.version !== 1) return;
    const height = Number(data.height);
    if (!Number.isFinite(height) || height <= 0 || height > MAX_HEIGHT) return;
    for (const frame of document.querySelectorAll("iframe[data-nashra-embed]")) {
      if (frame.contentWindow === event.source) {
        frame.style.height = Math.ceil(height) + "px";
        frame.setAttribute("height", String(Math.ceil(height)));
      }
    }
  });
  // Cards that loaded before this script missed their first report: ask them again. A frame still loading
  // is not yet at `origin`, so the question is dropped, and the card reports when it loads.
  for (const frame of document.querySelectorAll("iframe[data-nashra-embed]")) {
    if (frame.contentWindow) frame.contentWindow.postMessage({ type: "nashra:embed-ask", version: 1 }, origin);
  }
})();
