package main

// Endpoints that exist only for the tests. All of these except the echo
// listener sit behind the bearer-token middleware.
//
//	/stall                   never answers until the client leaves (10 min cap);
//	                         ?flush=1 sends the 200 status and a first line first
//	/login.html              200 with an HTML login page (not a profile)
//	/html/debug/pprof/...    the same page for any path below it
//	/redirect-other?to=URL   302 to URL (loopback hosts or a path only)
//
// The echo listener (-echo-addr, plain HTTP, no auth) answers any path with
// "auth=present" or "auth=absent" depending on whether an Authorization
// header arrived, so that a redirect to it shows whether a client leaked
// its token.

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const loginPage = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Sign in</title></head>
<body>
<h1>Sign in</h1>
<form method="post" action="/login">
<label>User <input name="user"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button>
</form>
</body>
</html>
`

const maxStall = 10 * time.Minute

func mountTestEndpoints(rt *router, quit <-chan struct{}) error {
	login := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, loginPage)
	}
	if err := rt.handleFunc("/login.html", login); err != nil {
		return err
	}
	if err := rt.handleFunc("/html/debug/pprof/", login); err != nil {
		return err
	}
	if err := rt.handleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("flush") == "1" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "stalling\n")
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
		t := time.NewTimer(maxStall)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-quit:
		case <-t.C:
		}
	}); err != nil {
		return err
	}
	return rt.handleFunc("/redirect-other", func(w http.ResponseWriter, r *http.Request) {
		to := r.URL.Query().Get("to")
		if to == "" {
			http.Error(w, "missing ?to=URL", http.StatusBadRequest)
			return
		}
		if err := checkRedirectTarget(to); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, to, http.StatusFound)
	})
}

// checkRedirectTarget allows only a path on this server or an http(s) URL
// whose host is loopback: the tests never need anything else.
func checkRedirectTarget(to string) error {
	u, err := url.Parse(to)
	if err != nil {
		return fmt.Errorf("bad redirect target: %v", err)
	}
	if u.Scheme == "" && u.Host == "" {
		if !strings.HasPrefix(u.Path, "/") {
			return fmt.Errorf("relative redirect target must start with /")
		}
		return nil
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("redirect target scheme must be http or https")
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("redirect target host %q is not loopback", host)
}

func echoHandler(logRequests bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		state := "absent"
		if _, ok := r.Header["Authorization"]; ok {
			state = "present"
		}
		if logRequests {
			log.Printf("echo: %s %s auth=%s", r.Method, r.URL.RequestURI(), state)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "auth="+state+"\n")
	})
}
