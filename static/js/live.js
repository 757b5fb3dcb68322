/* Live updates for signed-in pages. One WebSocket per page; when it cannot be kept
   open (no Redis, a proxy that drops upgrades), poll every 30 s instead so nothing is
   missed, and reconnect with a growing, spread-out delay; each reconnection fetches what
   arrived meanwhile. Pages that show live data listen for the "linli:event" DOM event.
   Nothing here pops up: news is written into a polite live region at the top of the page. */
(function () {
  "use strict";
  var script = document.currentScript;
  var unreadUrl = script && script.dataset.unreadUrl;
  var badge = document.querySelector("[data-unread-count]");
  var news = document.querySelector("[data-live-news]");
  var feed = document.querySelector("[data-live-feed]");
  var pollTimer = null;
  var retryDelay = 1000;

  function showUnread(count) {
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = !count;
  }

  function announce(item) {
    if (news) {
      var line = document.createElement("p");
      line.className = "message info";
      if (item.url) {
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.text;
        line.appendChild(link);
      } else {
        line.textContent = item.text;
      }
      news.prepend(line);
    }
    if (feed) {
      var entry = document.createElement("li");
      entry.className = "notification unread";
      entry.textContent = item.text;
      feed.prepend(entry);
    }
  }

  // Lists of orders (a provider's requests, a worker's visits) follow changes as they come.
  function refreshLists() {
    var lists = document.querySelectorAll("[data-live-list]");
    if (!lists.length) return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var replacements = fresh.querySelectorAll("[data-live-list]");
        lists.forEach(function (list, index) {
          if (replacements[index]) list.innerHTML = replacements[index].innerHTML;
        });
      })
      .catch(function () {});
  }

  // Notifications already on screen (or older than this page), so that one told live and
  // then seen again by a poll after a reconnect is announced once.
  var seen = null;

  function handle(data) {
    if (data.type === "notification") {
      showUnread(data.unread);
      if (seen) seen[data.id] = true;
      announce(data);
    }
    if (data.type === "order_event") refreshLists();
    // The server's groups were lost (Redis restarted) and joined again: catch up.
    if (data.type === "resync") {
      poll();
      refreshLists();
    }
    document.dispatchEvent(new CustomEvent("linli:event", { detail: data }));
  }

  // What arrived while the live connection was down: the first poll only notes what is
  // there already; later ones announce what is new, oldest first.
  function announceMissed(latest) {
    if (seen === null) {
      seen = {};
      latest.forEach(function (item) { seen[item.id] = true; });
      return;
    }
    latest.slice().reverse().forEach(function (item) {
      if (seen[item.id]) return;
      seen[item.id] = true;
      announce(item);
    });
  }

  function poll() {
    if (!unreadUrl) return;
    fetch(unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        showUnread(data.unread);
        announceMissed(data.latest || []);
        document.dispatchEvent(new CustomEvent("linli:poll", { detail: data }));
      })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  function startPolling() {
    if (pollTimer === null) pollTimer = window.setInterval(poll, 30000);
  }

  function stopPolling() {
    if (pollTimer !== null) {
      window.clearInterval(pollTimer);
      pollTimer = null;
    }
  }

  var opened = false;
  var SIGNED_OUT = 4401;

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/notifications/");
    } catch (error) {
      startPolling();
      return;
    }
    socket.onopen = function () {
      document.documentElement.dataset.liveSocket = "open"; // lets browser tests wait for it
      retryDelay = 1000;
      stopPolling();
      poll(); // catch up on anything sent while we were away
      if (opened) refreshLists();
      opened = true;
    };
    socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      document.documentElement.dataset.liveSocket = "closed";
      // Signed out (here or elsewhere, decision 0023): nothing more to hear on this page.
      if (event.code === SIGNED_OUT) {
        stopPolling();
        return;
      }
      startPolling();
      // Spread out, so that the pages of a whole city do not all come back at once after
      // a Redis restart.
      window.setTimeout(connect, retryDelay * (0.5 + Math.random()));
      retryDelay = Math.min(retryDelay * 2, 60000);
    };
  }

  window.linliLive = { state: function () { return pollTimer === null ? "live" : "polling"; } };
  poll(); // what is unread now is not news
  connect();
})();
