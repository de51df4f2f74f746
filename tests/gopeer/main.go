// Command gopeer writes real runtime/pprof profiles into a directory.
//
// It is the Go peer of the Embers integration tests: the profiles it writes
// are read both by `embers` and by `go tool pprof`, and the two must agree.
//
// Usage: gopeer OUTDIR
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// Set the sampling rate before any allocation of interest happens.
func init() {
	runtime.MemProfileRate = 4096
}

// sink keeps results alive so that the compiler cannot drop the work.
var sink uint64

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gopeer OUTDIR")
		os.Exit(1)
	}
	out := os.Args[1]
	if err := os.MkdirAll(out, 0o755); err != nil {
		fail(err)
	}
	start := time.Now()

	// CPU profiles first, while nothing else is running.
	writeCPU(filepath.Join(out, "cpu.pb.gz"), 2500*time.Millisecond, cpuMixMain)
	writeCPU(filepath.Join(out, "cpu2.pb.gz"), 1200*time.Millisecond, cpuMixBase)

	// Heap and allocs: allocate from several functions, keep some live.
	allocateAll()
	runtime.GC()
	writeNamed(out, "heap", 0)
	// A few more allocations, published by another GC, so that allocs differs
	// from heap and can be diffed against it.
	allocSmall(5000)
	liveTree = buildTree(10)
	runtime.GC()
	writeNamed(out, "allocs", 0)

	// Goroutines parked on channels, mutexes, a wait group and select.
	release := parkGoroutines()
	writeNamed(out, "goroutine", 0)
	writeNamedAs(out, "goroutine", 1, "goroutine.debug1.txt")
	writeNamedAs(out, "goroutine", 2, "goroutine.debug2.txt")
	release()

	// Mutex contention and channel blocking.
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	contend()
	blockOnChannels()
	// The mutex profile is scaled by the current fraction when written, so
	// leave it set; stop recording blocking events though.
	runtime.SetBlockProfileRate(0)
	writeNamed(out, "mutex", 0)
	writeNamed(out, "block", 0)

	fmt.Printf("gopeer: wrote profiles to %s in %v (sink %d)\n", out, time.Since(start).Round(time.Millisecond), sink&1)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gopeer:", err)
	os.Exit(2)
}

func writeCPU(path string, d time.Duration, work func(deadline time.Time)) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fail(err)
	}
	work(time.Now().Add(d))
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func writeNamed(dir, name string, debug int) {
	writeNamedAs(dir, name, debug, name+".pb.gz")
}

func writeNamedAs(dir, name string, debug int, file string) {
	p := pprof.Lookup(name)
	if p == nil {
		fail(fmt.Errorf("no profile named %q", name))
	}
	f, err := os.Create(filepath.Join(dir, file))
	if err != nil {
		fail(err)
	}
	if err := p.WriteTo(f, debug); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}
