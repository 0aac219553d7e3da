// Jitsi Meet side of jitsi-oidc.
//
// 1. Web client: in /etc/jitsi/meet/<your-domain>-config.js (Debian packages),
//    inside `var config = { ... }`, send users without a token to the adapter.
//    {state} carries the room, the tenant and the URL's config.* options;
//    the adapter hands them back as hash parameters after the login.
config.tokenAuthUrl = 'https://meet.example.org/oidc/authorize?state={state}';
//    (`?room={room}` also works, without the tenant and the options.)
//    After one login, send the user straight to the adapter next time
//    instead of showing Jitsi's "log in" button:
config.tokenAuthUrlAutoRedirect = true;
//    Only with the adapter's hidden_from_recorder rule: lib-jitsi-meet
//    passes the token's "hidden-from-recorder" on to the recorder only then.
// config.hiddenFromRecorderFeatureEnabled = true;
//    Log in without leaving the meeting: Jitsi opens the same URL in a
//    popup (adding &nonce=...), and the adapter posts the token back to
//    it; the same popup renews the token during a meeting.  Needs the
//    adapter on Jitsi's own origin (as here, under /oidc/).
config.tokenAuthInline = true;
//    Jitsi's logout button ends the adapter's session: with
//    tokenAuthInline in a hidden iframe (the adapter answers at once;
//    the provider's own session stays, see docs/jitsi.md), without it as a
//    page that goes on to the provider's logout.
config.tokenLogoutUrl = 'https://meet.example.org/oidc/logout';

// 2. Prosody: in /etc/prosody/conf.avail/<your-domain>.cfg.lua, in the
//    VirtualHost "<your-domain>" block, the same values as the adapter's
//    jitsi_app_id and jitsi_app_secret:
//
//      authentication = "token"
//      app_id = "example_app_id"          -- = jitsi_app_id   (the token's iss)
//      app_secret = "<jitsi_app_secret>"  -- = jitsi_app_secret (HS256 key;
//                                         -- make install generated one)
//      asap_accepted_issuers = { "example_app_id" }
//      asap_accepted_audiences = { "jitsi" }   -- = jitsi_audience
//      allow_empty_token = false
//      enable_domain_verification = true  -- the token's sub is the domain
//
//    With enable_domain_verification (on by default in Debian's package) the
//    token's sub must be your domain: leave jitsi_subject at its default (the
//    host of jitsi_url) or set it to the XMPP domain.
//
// 3. Guests: to let people without an account join once a moderator is in,
//    add an anonymous VirtualHost "guest.<your-domain>" and, here,
//    config.hosts.anonymousdomain = 'guest.meet.example.org';
//
// 4. Moderators: the token's context.user.affiliation / moderator decide,
//    and nothing else may make someone owner.  In Prosody, on
//      Component "conference.<your-domain>" "muc"
//        modules_enabled = { ...; "token_affiliation"; }
//        -- only with the adapter's lobby_bypass rule (jitsi-contrib's
//        -- module, copied into /usr/share/jitsi-meet/prosody-plugins/):
//        -- "token_lobby_bypass";
//        -- where "muc_wait_for_host" is enabled, else every token holder
//        -- is made owner:
//        wait_for_host_disable_auto_owners = true
//    and Jicofo's auto-owner off, in /etc/jitsi/jicofo/jicofo.conf:
//      jicofo { conference { enable-auto-owner = false } }
//    then: systemctl restart prosody jicofo
//
// 5. docker-jitsi-meet: the same settings are environment variables in .env:
//
//      ENABLE_AUTH=1
//      AUTH_TYPE=jwt
//      JWT_APP_ID=example_app_id                  # = jitsi_app_id
//      JWT_APP_SECRET=<jitsi_app_secret>          # = jitsi_app_secret; no quotes or backslashes
//      JWT_ACCEPTED_ISSUERS=example_app_id
//      JWT_ACCEPTED_AUDIENCES=jitsi               # = jitsi_audience
//      JWT_ALLOW_EMPTY=0
//      JWT_ENABLE_DOMAIN_VERIFICATION=false       # if true: jitsi_subject = XMPP_DOMAIN (meet.jitsi)
//      # JWT_ASAP_KEYSERVER=https://...           # only with jitsi_signing = RS256
//      #                                          # (Prosody: asap_key_server), see docs/jitsi.md
//      TOKEN_AUTH_URL=https://meet.example.org/oidc/authorize?state={state}
//      XMPP_MUC_MODULES=token_affiliation         # ,token_lobby_bypass with lobby_bypass
//      ENABLE_AUTO_OWNER=0
//      WAIT_FOR_HOST_DISABLE_AUTO_OWNERS=1
//      ENABLE_GUESTS=1                            # optional, see 3.
//
//    TOKEN_AUTH_URL is the web container's only token setting: the other
//    config.* lines of 1. (tokenAuthUrlAutoRedirect, tokenAuthInline,
//    tokenLogoutUrl, hiddenFromRecorderFeatureEnabled) go into
//    ${CONFIG}/web/custom-config.js, which the
//    container appends to the config.js it generates.  With lobby_bypass,
//    mod_token_lobby_bypass.lua goes into
//    ${CONFIG}/prosody/prosody-plugins-custom/.
//
//    The adapter runs in a sidecar container as a FastCGI responder
//    (spawn-fcgi -n -a 0.0.0.0 -p 9009 -- jitsi-oidc), with
//    conf/nginx-docker-jitsi-meet.conf as
//    ${CONFIG}/web/nginx-custom/jitsi-oidc.conf (see docs/docker-jitsi-meet.md).
