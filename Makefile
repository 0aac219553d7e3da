# jitsi-oidc -- OpenID Connect login for Jitsi Meet, as a CGI program.
VERSION		 = 0.1.0
PREFIX		?= /usr/local
SYSCONFDIR	?= /etc
LIBEXECDIR	?= $(PREFIX)/lib
CGIDIR		?= $(LIBEXECDIR)/cgi-bin
MANDIR		?= $(PREFIX)/share/man
SYSTEMDDIR	?= $(PREFIX)/lib/systemd/system
DOCDIR		?= $(PREFIX)/share/doc/jitsi-oidc
DESTDIR		?=

CC		?= cc
PKGS		 = libcurl json-c libjwt openssl
# Quiet when the libraries are not installed yet (make demo installs
# them first); a build then says once what to install.
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_OK		:= $(shell pkg-config --exists $(PKGS) 2>/dev/null && echo yes)
# libcurl and libjwt are loaded at run time with dlopen(), by the modules
# that use them (src/provider/http.c, src/provider/idtoken.c): only a request that calls the
# provider or verifies an ID token pays for them.  They are not linked.
#
# Of OpenSSL the program itself uses only SHA-256, AES and GCM
# (src/base/crypto.c).  Merely loading libcrypto.so costs a process ~2.5 ms of
# CPU, as much as the whole of a trivial CGI, so by default those few
# objects are linked from libcrypto.a (about 100 KiB).  STATIC_CRYPTO=0
# links libcrypto.so instead (a rebuild is then not needed for OpenSSL
# updates of these primitives, at that cost per request).
STATIC_CRYPTO	?= 1
ifeq ($(STATIC_CRYPTO),1)
CRYPTO_LIBS	 = -Wl,-Bstatic -lcrypto -Wl,-Bdynamic -lpthread
else
CRYPTO_LIBS	 = -lcrypto
endif
JSONC_LIBS	:= $(shell pkg-config --libs json-c 2>/dev/null)
PKG_LIBS	:= $(JSONC_LIBS) $(CRYPTO_LIBS) -ldl
# The tests use EVP and libjwt directly, as references: dynamic.
TEST_LIBS	:= $(JSONC_LIBS) $(shell pkg-config --libs libjwt libcrypto 2>/dev/null) -ldl

WARN		 = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
		   -Wstrict-prototypes -Wpointer-arith -Wcast-qual -Wvla
HARDEN		 = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS		?= -O2 -g
ALL_CFLAGS	 = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) \
		   $(PKG_CFLAGS) -DJO_VERSION='"$(VERSION)"' \
		   -DJO_DEFAULT_CONFIG='"$(SYSCONFDIR)/jitsi-oidc/jitsi-oidc.conf"'
LDHARDEN	 = -pie -Wl,-z,relro -Wl,-z,now -Wl,--as-needed
ALL_LDFLAGS	 = $(LDHARDEN) $(LDFLAGS)

# The modules, by layer: src/<layer>/, from the bottom up (a module uses
# only its own layer's and those below; tests/modules.test.mjs checks).
LAYERS		 = base config provider jitsi request login route process
MODS_base	 = util url crypto json dl secret
MODS_config	 = config_keys config_rules config cfgcache
MODS_provider	 = http cache jwk oidc jws profile idtoken proto
MODS_jitsi	 = unicode jitsi
MODS_request	 = cgi seal req cookie
MODS_login	 = login recheck
MODS_route	 = route_authorize route_redirect route_tokenize route_logout
MODS_process	 = cmd state fcgi
MODS		 = $(foreach l,$(LAYERS),$(MODS_$(l)))
SRCDIRS		 = $(LAYERS:%=src/%)
INCS		 = $(SRCDIRS:%=-I%)
HDRS		 = $(wildcard $(SRCDIRS:%=%/*.h))
vpath %.c $(SRCDIRS)
BUILD		?= build
OBJS		 = $(MODS:%=$(BUILD)/%.o)
BIN		 = cgi-bin/jitsi-oidc
UNIT		 = $(MODS:%=$(BUILD)/test_%)
UNIT_TESTS	 = util crypto config cgi seal oidc idtoken profile jitsi routes

all: $(BIN)

$(BUILD)/%.o: %.c $(HDRS) | $(BUILD)
	$(CC) $(INCS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	@[ -n "$(PKG_OK)" ] || { echo "missing build dependencies: apt-get install build-essential pkg-config libcurl4-openssl-dev libjson-c-dev libjwt-dev libssl-dev libfcgi-dev" >&2; exit 1; }
	mkdir -p $(BUILD)

$(BIN): $(OBJS) $(BUILD)/main.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS)

$(BUILD)/test_%: tests/unit/test_%.c $(OBJS) tests/unit/*.h
	$(CC) $(INCS) $(ALL_CFLAGS) -o $@ $< $(OBJS) $(ALL_LDFLAGS) \
	    $(TEST_LIBS) -lcmocka

$(BUILD)/%tool: tests/tools/%tool.c $(OBJS)
	$(CC) $(INCS) $(ALL_CFLAGS) -o $@ $< $(OBJS) $(ALL_LDFLAGS) $(TEST_LIBS)

unit-build: $(UNIT_TESTS:%=$(BUILD)/test_%)
# The C unit tests alone, built and run.
unit: unit-build
	@for t in $(UNIT_TESTS:%=$(BUILD)/test_%); do $$t || exit 1; done
tools: $(BUILD)/sealtool $(BUILD)/roomtool $(BUILD)/slowaccept.so

# A preload shim for a test, not instrumented (see the file).
$(BUILD)/slowaccept.so: tests/tools/slowaccept.c | $(BUILD)
	$(CC) -std=c11 -Wall -Wextra -O2 -shared -fPIC -o $@ $< -ldl

# The whole suite: unit tests, black-box tests of the CGI, and an
# end-to-end login against a real OpenID provider -- first with the
# normal build, then everything again under ASan+UBSan.  What it needs is
# installed first when run as root (tests/deps.sh), as make demo does.
check:
	tests/deps.sh
	$(MAKE) all unit-build tools sanitize fuzz
	tests/check.sh

sanitize:
	$(MAKE) BUILD=build-san BIN=build-san/jitsi-oidc \
	    CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' build-san/jitsi-oidc unit-build tools

GEN_SECRETS	 = cookie_secret jitsi_app_secret
EXAMPLES	 = nginx-fcgiwrap.conf nginx-fastcgi.conf nginx-room-login.conf \
		   nginx-docker-jitsi-meet.conf nginx-docker-room-login.conf \
		   apache.conf apache-fcgid.conf lighttpd.conf \
		   lighttpd-fastcgi.conf jitsi-config.js jitsi-oidc.conf.example \
		   jitsi-oidc-tcp.conf

install: all
	install -d $(DESTDIR)$(CGIDIR) $(DESTDIR)$(SYSCONFDIR)/jitsi-oidc \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BIN) $(DESTDIR)$(CGIDIR)/jitsi-oidc
	install -m 0644 man/jitsi-oidc.8 $(DESTDIR)$(MANDIR)/man8/jitsi-oidc.8
	install -m 0644 man/jitsi-oidc.conf.5 $(DESTDIR)$(MANDIR)/man5/jitsi-oidc.conf.5
	[ -e $(DESTDIR)$(SYSCONFDIR)/jitsi-oidc/jitsi-oidc.conf ] || \
	    { sed -e 's|/etc/jitsi-oidc/|$(SYSCONFDIR)/jitsi-oidc/|g' \
	    conf/jitsi-oidc.conf.example > \
	    $(DESTDIR)$(SYSCONFDIR)/jitsi-oidc/jitsi-oidc.conf && \
	    chmod 0640 $(DESTDIR)$(SYSCONFDIR)/jitsi-oidc/jitsi-oidc.conf; }
	# The secrets the adapter makes itself, generated on the machine it is
	# installed on, never over existing ones.  Not into a DESTDIR: a
	# package would give every installation the same secrets (its
	# postinst makes them: openssl rand -base64 48 > the file).
	@if [ -z "$(DESTDIR)" ]; then \
	    for s in $(GEN_SECRETS); do \
	        f=$(SYSCONFDIR)/jitsi-oidc/$$s; [ -e $$f ] && continue; \
	        (umask 077 && openssl rand -base64 48 > $$f.tmp) && \
	        chmod 0640 $$f.tmp && mv $$f.tmp $$f && \
	        echo "generated $$f" || { rm -f $$f.tmp; exit 1; }; \
	    done; \
	else \
	    echo "DESTDIR set: $(GEN_SECRETS) not generated (a package's postinst makes them)"; \
	fi
	# the documentation the examples point to, and the licence
	install -d $(DESTDIR)$(DOCDIR)/docs/providers
	install -m 0644 README.md LICENSE NOTICE $(DESTDIR)$(DOCDIR)/
	install -m 0644 docs/*.md $(DESTDIR)$(DOCDIR)/docs/
	install -m 0644 docs/providers/*.md $(DESTDIR)$(DOCDIR)/docs/providers/
	# the web-server and Jitsi examples, with the installed paths
	install -d $(DESTDIR)$(DOCDIR)/examples
	for f in $(EXAMPLES); do \
	    sed -e 's|/usr/local/lib/cgi-bin/jitsi-oidc|$(CGIDIR)/jitsi-oidc|g' \
	        -e 's|/usr/local/lib/cgi-bin|$(CGIDIR)|g' \
	        -e 's|/etc/jitsi-oidc/|$(SYSCONFDIR)/jitsi-oidc/|g' \
	        conf/$$f > $(DESTDIR)$(DOCDIR)/examples/$$f && \
	    chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$$f || exit 1; \
	done
	# the FastCGI units (not enabled), pointing at the installed paths
	install -d $(DESTDIR)$(SYSTEMDDIR)
	for u in jitsi-oidc.socket jitsi-oidc.service; do \
	    sed -e 's|/usr/local/lib/cgi-bin/jitsi-oidc|$(CGIDIR)/jitsi-oidc|' \
	        -e 's|/etc/jitsi-oidc/jitsi-oidc.conf|$(SYSCONFDIR)/jitsi-oidc/jitsi-oidc.conf|' \
	        conf/$$u > $(DESTDIR)$(SYSTEMDDIR)/$$u && \
	    chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/$$u || exit 1; \
	done

# libFuzzer targets (clang), with the committed seed corpora in
# tests/fuzz/corpus/<target>/.  `make fuzz` builds them; tests/fuzz/run.sh
# replays each corpus and fuzzes each target for JO_FUZZ_SECONDS (60).
FUZZ_TARGETS	 = query cookie unseal config jwks claims idtoken state
FUZZ_CC		?= clang
FUZZ_CFLAGS	 = $(INCS) -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $(WARN) \
		   $(PKG_CFLAGS) -DJO_VERSION='"$(VERSION)"'
FUZZ_OBJS	 = $(MODS:%=build-fuzz/%.o)
.SECONDARY: $(FUZZ_OBJS)

build-fuzz/%.o: %.c $(HDRS)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -c -o $@ $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ $< \
	    $(FUZZ_OBJS) $(TEST_LIBS)

fuzz: $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)

# What each route costs next to a trivial CGI: bench/results.md.
bench:
	bench/bench.sh

# The login storm (500 logins, 16 at a time, the cache expiring during it)
# and wrk on /authorize and /tokenize, through nginx + fcgiwrap: a few
# minutes, so not part of `make check` (tests/stress/).
stress:
	tests/stress/run.sh

# The adapter end to end on loopback: real provider, nginx + fcgiwrap,
# a stand-in Jitsi page (tests/demo/demo.sh).
demo:
	tests/demo/demo.sh

demo-stop:
	tests/demo/demo.sh --stop

uninstall:
	rm -f $(DESTDIR)$(CGIDIR)/jitsi-oidc $(DESTDIR)$(MANDIR)/man8/jitsi-oidc.8 \
	    $(DESTDIR)$(MANDIR)/man5/jitsi-oidc.conf.5 \
	    $(DESTDIR)$(SYSTEMDDIR)/jitsi-oidc.socket \
	    $(DESTDIR)$(SYSTEMDDIR)/jitsi-oidc.service
	rm -rf $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR)/docs
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(DOCDIR)/LICENSE \
	    $(DESTDIR)$(DOCDIR)/NOTICE

clean:
	rm -rf build build-san build-fuzz cgi-bin/jitsi-oidc tests/out

.PHONY: all bench check stress sanitize fuzz install uninstall clean unit unit-build tools demo demo-stop
