// Command goserver is a real Go service for the Embers capture integration
// tests. It imitates the services our users profile: net/http/pprof (under
// one or more path prefixes) behind a bearer-token (JWT HS256) middleware,
// served over HTTPS with a throw-away CA, plus expvar, a hand-written
// Prometheus /metrics page, a runtime/trace "flight recorder" API, a few
// test-only endpoints and a background workload so that profiles have data.
//
// Once listening it prints exactly one line to stdout:
//
//	LISTENING https://127.0.0.1:PORT   (http:// with -plain)
//
// followed, with -echo-addr, by
//
//	ECHO http://127.0.0.1:PORT
//
// With -mint it prints a signed token instead and exits. See README.md.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"strings"
	"syscall"
	"time"
)

const defaultSecret = "embers-test-secret"

// prefixList is a flag.Value for -prefix: repeatable and comma-separated.
type prefixList []string

func (p *prefixList) String() string { return strings.Join(*p, ",") }

func (p *prefixList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		n, err := normalizePrefix(s)
		if err != nil {
			return err
		}
		if !p.has(n) {
			*p = append(*p, n)
		}
	}
	return nil
}

func (p *prefixList) has(s string) bool {
	for _, q := range *p {
		if q == s {
			return true
		}
	}
	return false
}

// normalizePrefix turns "/x/debug/pprof/" into "/x/debug/pprof" and refuses
// anything that is not a clean absolute path below the root.
func normalizePrefix(s string) (string, error) {
	t := strings.TrimRight(s, "/")
	if !strings.HasPrefix(t, "/") || t == "" || path.Clean(t) != t {
		return "", fmt.Errorf("bad prefix %q: want a clean absolute path such as /debug/pprof", s)
	}
	return t, nil
}

type config struct {
	addr           string
	echoAddr       string
	certDir        string
	plain          bool
	mtls           bool
	noH2           bool
	prefixes       prefixList
	secret         string
	staticToken    string
	load           bool
	goroutines     int
	writeTimeout   time.Duration
	exitOnStdinEOF bool
	logRequests    bool
	oauthClient    string
	oauthUser      string
	oauthTTL       time.Duration
}

func main() {
	os.Exit(run())
}

func run() int {
	var cfg config
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "listen address (loopback only)")
	flag.StringVar(&cfg.echoAddr, "echo-addr", "", "also start the plain-HTTP auth echo listener here (loopback only)")
	flag.StringVar(&cfg.certDir, "certdir", "", "generate a CA, server and client certificates here and serve TLS")
	flag.BoolVar(&cfg.plain, "plain", false, "serve plain HTTP instead of HTTPS")
	flag.BoolVar(&cfg.mtls, "mtls", false, "require and verify client certificates (needs -certdir)")
	flag.BoolVar(&cfg.noH2, "no-h2", false, "disable HTTP/2 on the TLS listener")
	flag.Var(&cfg.prefixes, "prefix", "pprof mount prefix; repeatable or comma-separated (default /debug/pprof)")
	flag.StringVar(&cfg.secret, "secret", defaultSecret, "HMAC key for HS256 tokens")
	flag.StringVar(&cfg.staticToken, "static-token", "", "a fixed bearer token that is accepted as admin")
	flag.BoolVar(&cfg.load, "load", true, "run the CPU/lock background load (main.burnCPU etc.)")
	flag.IntVar(&cfg.goroutines, "goroutines", 20, "number of parked goroutines in main.parkedWorker")
	flag.DurationVar(&cfg.writeTimeout, "write-timeout", 20*time.Second, "http.Server WriteTimeout (0 = none)")
	flag.BoolVar(&cfg.exitOnStdinEOF, "exit-on-stdin-eof", false, "exit when standard input reaches EOF")
	flag.BoolVar(&cfg.logRequests, "log", false, "log every request to stderr")
	flag.StringVar(&cfg.oauthClient, "oauth-client", "", "serve an OAuth2 token endpoint at /oauth/token for this client id:secret")
	flag.StringVar(&cfg.oauthUser, "oauth-user", "", "user:password accepted by the password grant")
	flag.DurationVar(&cfg.oauthTTL, "oauth-ttl", time.Hour, "lifetime of the OAuth2 access tokens")

	mint := flag.Bool("mint", false, "print a signed token and exit")
	sub := flag.String("sub", "embers-test", "-mint: the token's sub claim")
	roles := flag.String("roles", "admin", "-mint: comma-separated roles claim")
	exp := flag.Int64("exp", 3600, "-mint: seconds until expiry; negative = already expired; 0 = no exp claim")
	flag.Parse()

	if flag.NArg() != 0 {
		fmt.Fprintf(os.Stderr, "goserver: unexpected arguments: %q\n", flag.Args())
		return 2
	}
	if *mint {
		tok, err := mintToken(cfg.secret, *sub, splitRoles(*roles), *exp, time.Now())
		if err != nil {
			fmt.Fprintln(os.Stderr, "goserver:", err)
			return 1
		}
		fmt.Println(tok)
		return 0
	}
	if err := serve(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "goserver:", err)
		return 1
	}
	return 0
}

func (cfg *config) validate() error {
	if len(cfg.prefixes) == 0 {
		cfg.prefixes = prefixList{"/debug/pprof"}
	}
	if err := checkLoopback(cfg.addr); err != nil {
		return fmt.Errorf("-addr: %v", err)
	}
	if cfg.echoAddr != "" {
		if err := checkLoopback(cfg.echoAddr); err != nil {
			return fmt.Errorf("-echo-addr: %v", err)
		}
	}
	if cfg.plain && cfg.mtls {
		return errors.New("-mtls needs TLS; it cannot be combined with -plain")
	}
	if !cfg.plain && cfg.certDir == "" {
		return errors.New("need -certdir DIR to serve HTTPS (or -plain for HTTP)")
	}
	if cfg.secret == "" {
		return errors.New("-secret must not be empty")
	}
	if cfg.goroutines < 0 {
		return errors.New("-goroutines must not be negative")
	}
	return nil
}

// checkLoopback refuses any listen address whose host is not loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to listen on %q: only loopback addresses are allowed", addr)
	}
	return nil
}

func serve(cfg *config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	var tlsConf *tls.Config
	if cfg.certDir != "" {
		var err error
		tlsConf, err = generateCerts(cfg.certDir, cfg.mtls)
		if err != nil {
			return fmt.Errorf("certificates: %v", err)
		}
	}

	quit := make(chan struct{}) // closed on shutdown; ends stalls and recordings
	handler, err := buildHandler(cfg, quit)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		WriteTimeout:      cfg.writeTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // TLS handshake noise from tests
	}
	if !cfg.plain {
		srv.TLSConfig = tlsConf
		if cfg.noH2 {
			srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
		}
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	var echoLn net.Listener
	var echoSrv *http.Server
	if cfg.echoAddr != "" {
		if echoLn, err = net.Listen("tcp", cfg.echoAddr); err != nil {
			ln.Close()
			return err
		}
		echoSrv = &http.Server{Handler: echoHandler(cfg.logRequests), ReadHeaderTimeout: 10 * time.Second}
	}

	startWorkload(cfg, quit)

	errc := make(chan error, 2)
	go func() {
		if cfg.plain {
			errc <- srv.Serve(ln)
		} else {
			errc <- srv.ServeTLS(ln, "", "")
		}
	}()
	if echoSrv != nil {
		go func() { errc <- echoSrv.Serve(echoLn) }()
	}

	// The contract with the tests: one LISTENING line, then the ECHO line.
	// os.Stdout is unbuffered, so each line is written at once.
	scheme := "https"
	if cfg.plain {
		scheme = "http"
	}
	fmt.Printf("LISTENING %s://%s\n", scheme, ln.Addr().String())
	if echoLn != nil {
		fmt.Printf("ECHO http://%s\n", echoLn.Addr().String())
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if cfg.exitOnStdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	close(quit)
	shutdown(srv)
	if echoSrv != nil {
		shutdown(echoSrv)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
}

// buildHandler assembles the routes: /healthz outside the auth, all the
// rest behind it.
func buildHandler(cfg *config, quit <-chan struct{}) (http.Handler, error) {
	inner := newRouter()
	rec := &recorder{quit: quit}
	recorderBases := map[string]bool{"/debug": true}
	for _, p := range cfg.prefixes {
		if err := mountPprof(inner, p); err != nil {
			return nil, err
		}
		// PREFIX/../trace/recorder/... as well, e.g. /__/debug/trace/recorder/run.
		if strings.HasSuffix(p, "/pprof") {
			recorderBases[path.Dir(p)] = true
		}
	}
	for base := range recorderBases {
		if err := rec.mount(inner, base); err != nil {
			return nil, err
		}
	}
	if err := mountMetrics(inner); err != nil {
		return nil, err
	}
	if err := mountTestEndpoints(inner, quit); err != nil {
		return nil, err
	}

	auth := &authenticator{secret: []byte(cfg.secret), static: cfg.staticToken}
	outer := http.NewServeMux()
	outer.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	if cfg.oauthClient != "" {
		id, secret, _ := strings.Cut(cfg.oauthClient, ":")
		user, password, _ := strings.Cut(cfg.oauthUser, ":")
		outer.Handle("/oauth/token", &oauthServer{secret: cfg.secret, clientID: id,
			clientSecret: secret, user: user, password: password, ttl: cfg.oauthTTL})
	}
	outer.Handle("/", auth.wrap(inner.mux))
	if cfg.logRequests {
		return logRequests(outer), nil
	}
	return outer, nil
}

// router is a ServeMux that reports duplicate patterns as errors instead
// of panicking (a -prefix may collide with a fixed route).
type router struct {
	mux  *http.ServeMux
	seen map[string]bool
}

func newRouter() *router { return &router{mux: http.NewServeMux(), seen: map[string]bool{}} }

func (rt *router) handle(pattern string, h http.Handler) error {
	if rt.seen[pattern] {
		return fmt.Errorf("route %s is registered twice (check -prefix)", pattern)
	}
	rt.seen[pattern] = true
	rt.mux.Handle(pattern, h)
	return nil
}

func (rt *router) handleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) error {
	return rt.handle(pattern, http.HandlerFunc(f))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sr := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(sr, r)
		log.Printf("%s %s %s -> %d (%v)", r.Proto, r.Method, r.URL.RequestURI(), sr.status, time.Since(start).Round(time.Millisecond))
	})
}
