// The service worker of the partner's installed app: shows a push message (title, short
// text, the signed link of the email it accompanies) and opens the link when tapped.
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  if (!data.title) { return; }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body || "",
    lang: data.lang || "",
    tag: data.tag || "",
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    data: {url: data.url || ""},
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = event.notification.data && event.notification.data.url;
  if (!url) { return; }
  event.waitUntil(self.clients.openWindow(url));
});
