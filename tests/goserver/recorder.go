package main

// A trace "flight recorder" API in the style of the miso framework:
//
//	GET BASE/trace/recorder/run?duration=5s   record; answer with the trace
//	GET BASE/trace/recorder/stop              end a running recording early
//
// Go 1.19 has no runtime/trace.FlightRecorder, so "run" records an ordinary
// execution trace into memory for the duration (or until "stop", the client
// leaving or shutdown) and then answers 200 with the trace bytes, which
// `go tool trace` reads. Only one recording runs at a time (runtime/trace
// allows only one tracer, which the pprof /trace endpoint shares).

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

const maxRecording = 30 * time.Minute

type recorder struct {
	quit <-chan struct{}

	mu     sync.Mutex
	active *recording // non-nil while a recording runs
}

type recording struct {
	stop chan struct{}
	once sync.Once
}

func (rec *recorder) mount(rt *router, base string) error {
	if err := rt.handleFunc(base+"/trace/recorder/run", rec.run); err != nil {
		return err
	}
	return rt.handleFunc(base+"/trace/recorder/stop", rec.stopRun)
}

func (rec *recorder) run(w http.ResponseWriter, r *http.Request) {
	ds := r.URL.Query().Get("duration")
	if ds == "" {
		http.Error(w, "duration is required, e.g. ?duration=5s", http.StatusBadRequest)
		return
	}
	d, err := time.ParseDuration(ds)
	if err != nil {
		// Also accept plain seconds, like pprof's ?seconds=.
		s, err2 := strconv.ParseFloat(ds, 64)
		if err2 != nil {
			http.Error(w, fmt.Sprintf("invalid duration %q", ds), http.StatusBadRequest)
			return
		}
		d = time.Duration(s * float64(time.Second))
	}
	if d <= 0 {
		http.Error(w, "duration must be positive", http.StatusBadRequest)
		return
	}
	if d > maxRecording {
		http.Error(w, "duration cannot exceed 30m", http.StatusBadRequest)
		return
	}
	if srv, ok := r.Context().Value(http.ServerContextKey).(*http.Server); ok &&
		srv.WriteTimeout != 0 && d >= srv.WriteTimeout {
		http.Error(w, "recording duration exceeds server's WriteTimeout", http.StatusBadRequest)
		return
	}

	cur := &recording{stop: make(chan struct{})}
	rec.mu.Lock()
	if rec.active != nil {
		rec.mu.Unlock()
		http.Error(w, "a recording is already running", http.StatusConflict)
		return
	}
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		rec.mu.Unlock()
		http.Error(w, "could not start tracing: "+err.Error(), http.StatusConflict)
		return
	}
	rec.active = cur
	rec.mu.Unlock()

	t := time.NewTimer(d)
	gone := false
	select {
	case <-t.C:
	case <-cur.stop:
	case <-rec.quit:
	case <-r.Context().Done():
		gone = true
	}
	t.Stop()
	trace.Stop()
	rec.mu.Lock()
	rec.active = nil
	rec.mu.Unlock()
	if gone {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="trace.out"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

func (rec *recorder) stopRun(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	cur := rec.active
	rec.mu.Unlock()
	if cur == nil {
		http.Error(w, "no recording is running", http.StatusConflict)
		return
	}
	cur.once.Do(func() { close(cur.stop) })
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "stopped")
}
