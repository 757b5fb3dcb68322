/* Keeps an order page current: the order's own WebSocket group says when it changed, and
   the page fetches its changing part again (in the reader's language, with the reader's
   permissions). Without a live connection it looks again every 20 seconds. */
(function () {
  "use strict";
  var box = document.getElementById("order-live");
  if (!box) return;
  var url = box.dataset.liveUrl;
  var code = box.dataset.code;
  var timer = null;

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
      if (timer !== null) { window.clearInterval(timer); timer = null; }
    };
    socket.onmessage = refresh;
    socket.onclose = function () {
      poll();
      window.setTimeout(connect, 5000);
    };
  }
  connect();
})();
