import { existsSync, rmSync } from 'node:fs';
import { Prosody, PROSODY_BIN } from './prosody.ts';

/**
 * `npm run demo:xmpp`: a private Prosody on loopback beside the demo server, so that the demo
 * page's "XMPP" protocol has a server. Any name logs in (mod_auth_insecure): a demo, not a setup.
 */
if (!existsSync(PROSODY_BIN)) {
  console.error('Prosody is not installed. On Debian or Ubuntu: sudo apt-get install prosody');
  console.error('Then run `npm run demo:xmpp` again. (`npm start` runs the demo without XMPP.)');
  process.exit(1);
}
const prosody = await Prosody.start({ httpPort: Number(process.env.XMPP_PORT ?? 5380), openLogin: true, hibernation: 60_000 });
process.on('exit', () => {
  void prosody.kill();
  rmSync(prosody.dir, { recursive: true, force: true });
});
console.log(`Prosody: ${prosody.websocketUrl} (MUC conference.localhost). Pick "XMPP" on the demo page; any name logs in.`);
await import('./main.ts');
