package main

// Mounting net/http/pprof under arbitrary prefixes.
//
// pprof.Index picks the named profile from the path after the literal
// "/debug/pprof/", so under any other prefix (/__/debug/pprof/heap,
// /auth/debug/pprof/heap) it would serve the index page for every name.
// Instead of calling Index for everything, we strip PREFIX/ ourselves and
// dispatch: "" -> Index called with the path rewritten to "/debug/pprof/"
// (the HTML page; its links are relative, so they work under any prefix),
// the four special handlers by name, and anything else ->
// pprof.Handler(name), which is what Index would have done.

import (
	"net/http"
	"net/http/pprof"
	"strings"
)

// namedProfiles are the runtime/pprof profiles mounted explicitly; other
// names still work through the dispatcher (pprof.Handler answers 404
// "Unknown profile" for names that do not exist).
var namedProfiles = []string{"goroutine", "heap", "allocs", "block", "mutex", "threadcreate"}

func mountPprof(rt *router, prefix string) error {
	if err := rt.handle(prefix+"/", pprofDispatcher(prefix)); err != nil {
		return err
	}
	special := map[string]http.HandlerFunc{
		"cmdline": pprof.Cmdline,
		"profile": pprof.Profile,
		"symbol":  pprof.Symbol,
		"trace":   pprof.Trace,
	}
	for name, h := range special {
		if err := rt.handle(prefix+"/"+name, h); err != nil {
			return err
		}
	}
	for _, name := range namedProfiles {
		if err := rt.handle(prefix+"/"+name, pprof.Handler(name)); err != nil {
			return err
		}
	}
	return nil
}

func pprofDispatcher(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, prefix+"/")
		switch name {
		case "":
			// Index serves its page for exactly "/debug/pprof/" whatever
			// the real prefix was.
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/debug/pprof/"
			r2.URL.RawPath = ""
			pprof.Index(w, r2)
		case "cmdline":
			pprof.Cmdline(w, r)
		case "profile":
			pprof.Profile(w, r)
		case "symbol":
			pprof.Symbol(w, r)
		case "trace":
			pprof.Trace(w, r)
		default:
			pprof.Handler(name).ServeHTTP(w, r)
		}
	})
}
