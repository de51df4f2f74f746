package main

import (
	"context"
	"runtime/pprof"
	"sync"
	"time"
)

// parkGoroutines starts goroutines that wait on various primitives and
// returns a function that releases them all.
func parkGoroutines() (release func()) {
	var started sync.WaitGroup
	var done sync.WaitGroup
	stop := make(chan struct{})
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)

	mu.Lock() // held until release, so lockers park
	for i := 0; i < 5; i++ {
		started.Add(1)
		done.Add(1)
		worker := "alpha"
		if i%2 == 1 {
			worker = "beta"
		}
		go func() {
			defer done.Done()
			pprof.Do(context.Background(), pprof.Labels("worker", worker), func(context.Context) {
				started.Done()
				waitOnChannel(stop)
			})
		}()
	}
	for i := 0; i < 3; i++ {
		started.Add(1)
		done.Add(1)
		go func() { defer done.Done(); started.Done(); waitOnMutex(&mu) }()
	}
	for i := 0; i < 2; i++ {
		started.Add(1)
		done.Add(1)
		go func() { defer done.Done(); started.Done(); waitOnGroup(&wg) }()
	}
	started.Add(1)
	done.Add(1)
	go func() { defer done.Done(); started.Done(); waitInSelect(stop) }()
	started.Wait()
	time.Sleep(100 * time.Millisecond) // let them all park

	return func() {
		close(stop)
		mu.Unlock()
		wg.Done()
		done.Wait()
	}
}

func waitOnChannel(c chan struct{}) { <-c }

func waitOnMutex(mu *sync.Mutex) {
	mu.Lock()
	mu.Unlock()
}

func waitOnGroup(wg *sync.WaitGroup) { wg.Wait() }

func waitInSelect(stop chan struct{}) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	select {
	case <-stop:
	case <-t.C:
	}
}

// contend makes several goroutines fight over two mutexes.
func contend() {
	var wg sync.WaitGroup
	var a, b sync.Mutex
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if g%2 == 0 {
					lockAndSpin(&a, 20000)
				} else {
					lockAndSleep(&b, 50*time.Microsecond)
				}
			}
		}(g)
	}
	wg.Wait()
}

func lockAndSpin(mu *sync.Mutex, n int) {
	mu.Lock()
	sink += hotLoop(n)
	mu.Unlock()
}

func lockAndSleep(mu *sync.Mutex, d time.Duration) {
	mu.Lock()
	time.Sleep(d)
	mu.Unlock()
}

// blockOnChannels has consumers wait on slow producers.
func blockOnChannels() {
	c := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); slowConsumer(c) }()
	}
	slowProducer(c, 60, time.Millisecond)
	close(c)
	wg.Wait()

	var rw sync.RWMutex
	rw.Lock()
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); readLocked(&rw) }()
	}
	time.Sleep(20 * time.Millisecond)
	rw.Unlock()
	wg.Wait()
}

func slowProducer(c chan<- int, n int, d time.Duration) {
	for i := 0; i < n; i++ {
		time.Sleep(d)
		c <- i
	}
}

func slowConsumer(c <-chan int) {
	for v := range c {
		sink += uint64(v)
	}
}

func readLocked(rw *sync.RWMutex) {
	rw.RLock()
	sink++
	rw.RUnlock()
}
