// Runs first, before the page is drawn: a token handed over in the URL fragment
// (/dashboard#token=… or #access_token=…, as a portal links here) moves to sessionStorage at
// once and leaves the address bar and the history, so it is never bookmarked, shared or kept
// after the tab closes. The token is kept nowhere else: not in localStorage, not in a cookie.
(function () {
  "use strict";
  const KEY = "leerroute.token";
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = fragment.get("token") || fragment.get("access_token");
  if (token !== null) {
    if (token.trim()) sessionStorage.setItem(KEY, token.trim());
    history.replaceState(null, "", location.pathname + location.search);
  }
})();
