'use strict';
// Stands in for `debug` in mqtt.js and mqtt-packet, which call it when they load: logging is
// off in the widget, so every logger is a no-op. CommonJS, because mqtt-packet calls what
// `require('debug')` returns.
function debug() {
  const log = function () {};
  log.enabled = false;
  return log;
}
module.exports = debug;
module.exports.default = debug;
