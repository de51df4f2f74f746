package main

import (
	"context"
	"runtime/pprof"
	"sync"
	"time"
)

// mix is small enough to be inlined into its callers.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	return x ^ (x >> 29)
}

// hotLoop burns CPU in a tight loop that calls the inlined mix.
func hotLoop(n int) uint64 {
	var acc uint64 = 1
	for i := 0; i < n; i++ {
		acc = mix(acc + uint64(i))
		if acc&0xff == 0 {
			acc += uint64(i)
		}
	}
	return acc
}

// recursiveFib recurses deeply, so the same function appears many times
// in one stack and cum must count it only once.
func recursiveFib(n int) uint64 {
	if n < 2 {
		return uint64(n)
	}
	return recursiveFib(n-1) + recursiveFib(n-2)
}

// crunchBytes hashes a buffer over and over.
func crunchBytes(buf []byte, rounds int) uint64 {
	var h uint64 = 14695981039346656037
	for r := 0; r < rounds; r++ {
		for _, b := range buf {
			h ^= uint64(b)
			h *= 1099511628211
		}
		buf[r%len(buf)] = byte(h)
	}
	return h
}

// isEven and isOdd recurse into each other.
func isEven(n int) bool {
	if n == 0 {
		return true
	}
	return isOdd(n - 1)
}

func isOdd(n int) bool {
	if n == 0 {
		return false
	}
	return isEven(n - 1)
}

func mutualRecursion(n int) uint64 {
	var c uint64
	for i := 0; i < n; i++ {
		if isEven(i % 200) {
			c++
		}
	}
	return c
}

func untilDeadline(deadline time.Time, step func()) {
	for time.Now().Before(deadline) {
		step()
	}
}

// alphaWork runs under the label worker=alpha.
func alphaWork(deadline time.Time) {
	untilDeadline(deadline, func() {
		sink += hotLoop(200000)
		sink += recursiveFib(22)
	})
}

// betaWork runs under the label worker=beta.
func betaWork(deadline time.Time) {
	buf := make([]byte, 4096)
	for i := range buf {
		buf[i] = byte(i)
	}
	untilDeadline(deadline, func() {
		sink += crunchBytes(buf, 40)
		sink += mutualRecursion(2000)
	})
}

// unlabeledWork runs without any label.
func unlabeledWork(deadline time.Time) {
	untilDeadline(deadline, func() {
		sink += recursiveFib(20)
		sink += hotLoop(50000)
	})
}

func runLabeled(wg *sync.WaitGroup, worker, phase string, f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		pprof.Do(context.Background(), pprof.Labels("worker", worker, "phase", phase), func(context.Context) {
			f()
		})
	}()
}

// cpuMixMain is the main CPU profile: two labeled workers and an unlabeled one.
func cpuMixMain(deadline time.Time) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var local uint64
	runLabeled(&wg, "alpha", "main", func() { alphaWork(deadline) })
	runLabeled(&wg, "beta", "main", func() { betaWork(deadline) })
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Half the time only, so the mix is uneven.
		unlabeledWork(time.Now().Add(time.Until(deadline) / 2))
		mu.Lock()
		local++
		mu.Unlock()
	}()
	wg.Wait()
	sink += local
}

// cpuMixBase is a different mix, used as a diff base: more crunchBytes,
// less hotLoop, and no mutual recursion.
func cpuMixBase(deadline time.Time) {
	var wg sync.WaitGroup
	runLabeled(&wg, "alpha", "base", func() {
		untilDeadline(deadline, func() { sink += hotLoop(50000) })
	})
	runLabeled(&wg, "beta", "base", func() {
		buf := make([]byte, 8192)
		untilDeadline(deadline, func() {
			sink += crunchBytes(buf, 20)
			sink += recursiveFib(18)
		})
	})
	wg.Wait()
}
