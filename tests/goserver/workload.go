package main

// Background workload with recognizable function names, so that every
// profile the server hands out has something in it:
//
//	main.burnCPU          ~30% of one core (-load)
//	main.leakyCache       ~8 MiB live in 512-byte allocations, churned (-load)
//	main.parkedWorker     -goroutines N goroutines parked on a channel receive
//	main.lockContender    goroutines fighting over one sync.Mutex (-load)
//	main.blockingConsumer waits on an unbuffered channel fed slowly (-load)

import (
	"runtime"
	"sync"
	"time"
)

const (
	cacheEntrySize = 512
	cacheEntries   = 8 << 20 / cacheEntrySize // 8 MiB
)

var (
	cpuSink   uint64   // keeps burnCPU's arithmetic alive
	cache     [][]byte // main.leakyCache's live data
	cacheNext int      // next entry to replace once the cache is full
	cacheMu   sync.Mutex
	contended sync.Mutex
)

func startWorkload(cfg *config, quit <-chan struct{}) {
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(10000)

	// Fill the cache before the LISTENING line, and run two collections so
	// that the heap profile already shows it (it lags by up to two cycles).
	leakyCache(cacheEntries)
	runtime.GC()
	runtime.GC()

	for i := 0; i < cfg.goroutines; i++ {
		go parkedWorker(quit)
	}
	if !cfg.load {
		return
	}
	go burnCPU(quit)
	go churnCache(quit)
	for i := 0; i < 3; i++ {
		go lockContender(quit)
	}
	feed := make(chan int)
	go slowProducer(feed, quit)
	go blockingConsumer(feed)
}

// burnCPU spins for 3 ms out of every 10 ms.
func burnCPU(quit <-chan struct{}) {
	x := uint64(88172645463325252)
	for {
		start := time.Now()
		for time.Since(start) < 3*time.Millisecond {
			for i := 0; i < 2000; i++ { // xorshift, cheap and unoptimizable
				x ^= x << 13
				x ^= x >> 7
				x ^= x << 17
			}
		}
		cpuSink += x
		select {
		case <-quit:
			return
		case <-time.After(7 * time.Millisecond):
		}
	}
}

// leakyCache replaces n entries of the cache (appending until it is full),
// allocating each one here so that heap profiles name this function.
func leakyCache(n int) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	for i := 0; i < n; i++ {
		b := make([]byte, cacheEntrySize)
		b[0] = byte(i)
		if len(cache) < cacheEntries {
			cache = append(cache, b)
		} else {
			cache[cacheNext] = b
			cacheNext = (cacheNext + 1) % cacheEntries
		}
	}
}

// churnCache replaces 64 KiB of the cache every 50 ms, so that allocs and
// the GC keep moving.
func churnCache(quit <-chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C:
			leakyCache(128)
		}
	}
}

// parkedWorker sits in a plain channel receive until shutdown closes quit.
func parkedWorker(quit <-chan struct{}) {
	<-quit
}

// lockContender holds the shared mutex for ~200 µs at a time so that the
// others queue on it (mutex and block profiles).
func lockContender(quit <-chan struct{}) {
	for {
		select {
		case <-quit:
			return
		default:
		}
		contended.Lock()
		time.Sleep(200 * time.Microsecond)
		contended.Unlock()
		time.Sleep(2 * time.Millisecond)
	}
}

func slowProducer(feed chan<- int, quit <-chan struct{}) {
	defer close(feed)
	for i := 0; ; i++ {
		select {
		case <-quit:
			return
		case <-time.After(10 * time.Millisecond):
		}
		feed <- i
	}
}

// blockingConsumer spends its life blocked in a channel receive.
func blockingConsumer(feed <-chan int) {
	for v := range feed {
		_ = v
	}
}
