package main

import (
	"context"
	"runtime/pprof"
	"strings"
)

// Live data, reachable from globals so it shows in inuse_* values.
var (
	liveSmall [][]byte
	liveTree  *node
	liveMap   map[int]string
)

type node struct {
	left, right *node
	payload     [48]byte
}

// buildTree allocates recursively.
func buildTree(depth int) *node {
	if depth == 0 {
		return nil
	}
	return &node{left: buildTree(depth - 1), right: buildTree(depth - 1)}
}

// allocSmall allocates many small buffers; every tenth one stays live.
func allocSmall(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 64+i%64)
		b[0] = byte(i)
		if i%10 == 0 {
			liveSmall = append(liveSmall, b)
		}
	}
}

// allocLarge allocates big buffers that all become garbage.
func allocLarge(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 256<<10)
		b[len(b)-1] = byte(i)
		sink += uint64(b[0])
	}
}

// buildStrings concatenates strings, allocating through the runtime.
func buildStrings(n int) {
	liveMap = make(map[int]string)
	for i := 0; i < n; i++ {
		s := strings.Repeat("ember", 1+i%20)
		if i%4 == 0 {
			liveMap[i] = s
		}
	}
}

func allocateAll() {
	allocSmall(50000)
	allocLarge(64)
	liveTree = buildTree(12)
	pprof.Do(context.Background(), pprof.Labels("worker", "alpha"), func(context.Context) {
		buildStrings(20000)
	})
}
