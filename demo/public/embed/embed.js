// Puts the one-line embed on a demo page, as a site owner pastes it:
//   <script async src="…/loader.js" data-server="wss://…" data-protocol="websocket" data-room="…"></script>
// The demo server's address is known only at run time, so this file writes the tag.
// data-widget="other-origin" loads the widget from the other name of this server
// (localhost <-> 127.0.0.1): another origin, so the page goes through bridge.html.
// data-hide-shared-worker deletes SharedWorker first, as a browser without it would have.
(function () {
  var me = /** @type {HTMLScriptElement} */ (document.currentScript);
  var other = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' }[location.hostname];
  var host = me.dataset.widget === 'other-origin' && other ? other + ':' + location.port : location.host;
  if (me.dataset.hideSharedWorker !== undefined) delete (/** @type {{ SharedWorker?: unknown }} */ (window)).SharedWorker;
  var tag = document.createElement('script');
  tag.async = true;
  tag.src = location.protocol + '//' + host + me.dataset.loader;
  tag.dataset.server = (location.protocol === 'https:' ? 'wss://' : 'ws://') + host + '/relay';
  tag.dataset.protocol = 'websocket';
  tag.dataset.room = me.dataset.room || 'demo';
  var snippet = document.getElementById('snippet');
  if (snippet) snippet.textContent = tag.outerHTML;
  document.head.append(tag);
})();
