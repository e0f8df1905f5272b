// The root page (/): send the visitor to the home page in the first of their browser's languages that the
// site has (the page's language links list them), else to the first, the default language. Hosts with
// redirects (Netlify) do this before the page loads; without JavaScript, the page's meta refresh does it.
(function () {
  "use strict";
  var homes = {};
  var links = document.querySelectorAll(".root-languages a[hreflang]");
  if (!links.length) return;
  for (var i = 0; i < links.length; i++) {
    homes[links[i].getAttribute("hreflang").toLowerCase()] = links[i].href;
  }
  var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  for (var j = 0; j < wanted.length; j++) {
    var code = String(wanted[j]).toLowerCase().split("-")[0];
    if (homes[code]) {
      location.replace(homes[code]);
      return;
    }
  }
  location.replace(links[0].href);
})();
