/**
 * mqtt.js's self-contained browser build. Imported by path because @web/test-runner's resolver
 * does not apply the `browser` export condition that Vite applies; both agree on this file.
 */
declare module 'mqtt/dist/mqtt.esm' {
  import mqtt from 'mqtt';
  export default mqtt;
}
