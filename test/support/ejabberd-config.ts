/**
 * The two files each test ejabberd node reads (test/support/ejabberd.ts): `ejabberdctl.cfg`, which
 * names the node and its folders, and `ejabberd.yml`, the server's settings (docs/platform.md).
 */

export const ctlConfig = (node: string, dir: string, epmdPort: number, cookie: string) => `# Written by test/support/ejabberd.ts.
ERLANG_NODE=${node}
SPOOL_DIR=${dir}/spool
LOGS_DIR=${dir}/logs
EJABBERD_PID_PATH=${dir}/ejabberd.pid
CONTRIB_MODULES_PATH=${dir}/contrib
CONTRIB_MODULES_CONF_DIR=${dir}/contrib
EJABBERD_BYPASS_WARNINGS=true
# The cluster's own epmd, on loopback: every VM and every ejabberdctl call of this cluster
# talks to it and to no other.
ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=${epmdPort}
# Distribution on loopback only (what INET_DIST_INTERFACE=127.0.0.1 does, without the extra
# Erlang boot ejabberdctl spends on parsing it). No FIREWALL_WINDOW: with a fixed port every
# ejabberdctl call fails with eaddrinuse.
ERL_OPTIONS="-setcookie ${cookie} -kernel inet_dist_use_interface {127,0,0,1} -env ERL_CRASH_DUMP_BYTES 0"
`;

export const ejabberdYml = (o: { domain: string; c2s: number; http: number; dir: string; resume: number }) => `# Written by test/support/ejabberd.ts; loopback only, no TLS.
hosts:
  - ${o.domain}
loglevel: warning
log_rotate_count: 0
hide_sensitive_log_data: true
certfiles: []
auth_method: internal
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
  muc_create:
    allow: local
  register:
    deny: all
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
listen:
  -
    port: ${o.c2s}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: false
    access: c2s
    max_stanza_size: 262144
  -
    port: ${o.http}
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /ws: ejabberd_http_ws
      /upload: mod_http_upload
modules:
  mod_disco: {}
  mod_roster: {}
  mod_carboncopy: {}
  mod_ping: {}
  mod_time: {}
  mod_version: {}
  mod_offline: {}
  mod_stream_mgmt:
    resume_timeout: ${Math.max(1, Math.round(o.resume / 1000))}
  mod_mam:
    default: always
  mod_muc:
    access_create: muc_create
    default_room_options:
      mam: true
      persistent: true
  mod_http_upload:
    put_url: "http://127.0.0.1:${o.http}/upload"
    docroot: "${o.dir}/upload"
    max_size: 10485760
    custom_headers:
      "Access-Control-Allow-Origin": "*"
      "Access-Control-Allow-Methods": "GET,HEAD,PUT,OPTIONS"
      "Access-Control-Allow-Headers": "Content-Type"
`;
