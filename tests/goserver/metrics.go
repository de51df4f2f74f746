package main

// /debug/vars (the standard expvar handler) and /metrics, a Prometheus text
// exposition (format 0.0.4) written by hand in the style of the official
// client library: "# HELP" and "# TYPE" before each family, values in Go's
// shortest 'g' formatting.

import (
	"bufio"
	"expvar"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var startTime = time.Now()

func mountMetrics(rt *router) error {
	if err := rt.handle("/debug/vars", expvar.Handler()); err != nil {
		return err
	}
	return rt.handleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		bw := bufio.NewWriter(w)
		writeMetrics(bw)
		bw.Flush()
	})
}

func formatValue(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func family(w io.Writer, name, typ, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func sample(w io.Writer, name string, v float64) {
	fmt.Fprintf(w, "%s %s\n", name, formatValue(v))
}

func writeMetrics(w io.Writer) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	// Pause quantiles: min, 25%, 50%, 75%, max of the recent pauses.
	gc := debug.GCStats{PauseQuantiles: make([]time.Duration, 5)}
	debug.ReadGCStats(&gc)
	family(w, "go_gc_duration_seconds", "summary", "Summary of the pause times of garbage collection cycles.")
	for i, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
		v := 0.0
		if gc.NumGC > 0 {
			v = gc.PauseQuantiles[i].Seconds()
		}
		fmt.Fprintf(w, "go_gc_duration_seconds{quantile=%q} %s\n", q, formatValue(v))
	}
	sample(w, "go_gc_duration_seconds_sum", gc.PauseTotal.Seconds())
	sample(w, "go_gc_duration_seconds_count", float64(gc.NumGC))

	family(w, "go_goroutines", "gauge", "Number of goroutines currently existing.")
	sample(w, "go_goroutines", float64(runtime.NumGoroutine()))

	family(w, "go_info", "gauge", "Information about the Go runtime.")
	fmt.Fprintf(w, "go_info{version=%q} 1\n", runtime.Version())

	family(w, "go_memstats_alloc_bytes_total", "counter", "Total bytes ever allocated on the heap, freed or not.")
	sample(w, "go_memstats_alloc_bytes_total", float64(ms.TotalAlloc))

	family(w, "go_memstats_heap_alloc_bytes", "gauge", "Bytes of heap objects allocated and still in use.")
	sample(w, "go_memstats_heap_alloc_bytes", float64(ms.HeapAlloc))

	family(w, "go_memstats_heap_objects", "gauge", "Number of allocated heap objects.")
	sample(w, "go_memstats_heap_objects", float64(ms.HeapObjects))

	family(w, "go_memstats_next_gc_bytes", "gauge", "Heap size at which the next garbage collection cycle will start.")
	sample(w, "go_memstats_next_gc_bytes", float64(ms.NextGC))

	family(w, "go_threads", "gauge", "Number of operating system threads created.")
	sample(w, "go_threads", float64(pprof.Lookup("threadcreate").Count()))

	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		family(w, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.")
		sample(w, "process_cpu_seconds_total", cpu)
	}

	if n, err := openFDs(); err == nil {
		family(w, "process_open_fds", "gauge", "Number of open file descriptors.")
		sample(w, "process_open_fds", float64(n))
	}

	if rss, err := residentBytes(); err == nil {
		family(w, "process_resident_memory_bytes", "gauge", "Resident memory size, in bytes.")
		sample(w, "process_resident_memory_bytes", float64(rss))
	}

	family(w, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.")
	sample(w, "process_start_time_seconds", float64(startTime.UnixNano())/1e9)
}

// residentBytes reads the second field of /proc/self/statm (resident pages).
func residentBytes() (int64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, fmt.Errorf("unexpected /proc/self/statm: %q", b)
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, err
	}
	return pages * int64(os.Getpagesize()), nil
}

func openFDs() (int, error) {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return 0, err
	}
	return len(names) - 1, nil // minus the descriptor reading the directory
}
