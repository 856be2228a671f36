// "Allow notifications" on the partner's own page: shown only where the browser can
// receive push messages; subscribes with our VAPID key and tells the server, or undoes it.
(function () {
  "use strict";
  var button = document.querySelector('[data-action="allow-notifications"]');
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) {
    return;
  }
  var box = button.parentElement;
  var registered = navigator.serviceWorker.register(button.dataset.worker).then(active);

  // a push subscription needs an active worker; a first registration is still installing
  function active(registration) {
    var worker = registration.installing || registration.waiting;
    if (registration.active || !worker) { return registration; }
    return new Promise(function (resolve) {
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") { resolve(registration); }
      });
    });
  }

  function show(state) {
    box.querySelectorAll("[data-push-state]").forEach(function (p) {
      p.hidden = p.getAttribute("data-push-state") !== state;
    });
    button.textContent = state === "on" ? button.dataset.labelOff : button.dataset.labelOn;
    button.dataset.state = state;
    button.disabled = state === "blocked";
  }

  function key(text) {
    var b64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  }

  function tell(url, body) {
    return fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (answer) {
      if (!answer.ok) { throw new Error("server answered " + answer.status); }
    });
  }

  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { show("blocked"); return null; }
      return registered.then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: key(button.dataset.key),
        });
      }).then(function (subscription) {
        return tell(button.dataset.subscribe, subscription.toJSON());
      }).then(function () { show("on"); });
    });
  }

  function turnOff() {
    return registered.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return null; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return tell(button.dataset.unsubscribe, {endpoint: endpoint});
      });
    }).then(function () { show("off"); });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    (button.dataset.state === "on" ? turnOff() : turnOn()).catch(function () {
      show("failed");
    }).then(function () { button.disabled = button.dataset.state === "blocked"; });
  });

  box.hidden = false;
  show(Notification.permission === "denied" ? "blocked" : "off");
  registered.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    if (subscription && Notification.permission === "granted") {
      show("on");
      // the browser may have renewed it since the last visit; a known one changes nothing
      tell(button.dataset.subscribe, subscription.toJSON()).catch(function () {});
    }
  }).catch(function () { box.hidden = true; });
})();
