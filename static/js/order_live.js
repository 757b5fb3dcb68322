/* Keeps an order page current: the order's own WebSocket group says when it changed, and
   the page fetches its changing part again (in the reader's language, with the reader's
   permissions). Without a live connection it looks again every 20 seconds; each time the
   socket opens (again) it fetches what it may have missed meanwhile (a Redis restart).
   The server closes the socket when the reader signs out or may no longer see the order
   (decision 0023); then the page stops asking. */
(function () {
  "use strict";
  var box = document.getElementById("order-live");
  if (!box) return;
  var url = box.dataset.liveUrl;
  var code = box.dataset.code;
  var timer = null;
  var retryDelay = 1000;
  var SIGNED_OUT = 4401;
  var NOT_ALLOWED = 4403;

  function refresh() {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && !box.contains(document.activeElement)) box.innerHTML = html;
      })
      .catch(function () {});
  }

  function poll() {
    if (timer === null) timer = window.setInterval(refresh, 20000);
  }

  function stopPolling() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/orders/" + code + "/");
    } catch (error) {
      poll();
      return;
    }
    socket.onopen = function () {
      retryDelay = 1000;
      stopPolling();
      refresh();
    };
    // An order event, or "resync" when the server's groups were lost: fetch either way.
    socket.onmessage = refresh;
    socket.onclose = function (event) {
      if (event.code === SIGNED_OUT || event.code === NOT_ALLOWED) {
        stopPolling();
        return;
      }
      poll();
      // Spread out, so that the pages of a whole city do not all come back at once after
      // a Redis restart.
      window.setTimeout(connect, retryDelay * (0.5 + Math.random()));
      retryDelay = Math.min(retryDelay * 2, 60000);
    };
  }
  connect();
})();
