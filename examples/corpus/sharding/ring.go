// Package sharding spreads cache keys over several cache servers with consistent
// hashing, so that adding or removing a server moves only a small share of the keys.
//
// With plain modulo hashing (hash(key) % n), changing n from 4 to 5 remaps about 80
// percent of the keys, and the cache behaves as if it had been flushed. On a hash ring
// each server owns the arcs that end at its points, so adding a fifth server moves only
// the keys on the arcs it takes over: about one fifth of them.
package sharding

import (
	"errors"
	"hash/fnv"
	"sort"
	"strconv"
)

// ErrNoNodes is returned by Locate when the ring is empty.
var ErrNoNodes = errors.New("sharding: ring has no nodes")

// Ring maps keys to node names. Each node is placed on the ring at several virtual
// points so that load stays even when there are only a few real nodes.
type Ring struct {
	replicas int
	points   []uint64          // sorted positions of every virtual point
	owners   map[uint64]string // position -> node name
}

// NewRing returns an empty ring with the given number of virtual points per node.
// 100 to 200 points per node keep the load within a few percent of even.
func NewRing(replicas int) *Ring {
	if replicas < 1 {
		replicas = 1
	}
	return &Ring{replicas: replicas, owners: make(map[uint64]string)}
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// Add places a node on the ring. Adding the same node twice has no extra effect.
func (r *Ring) Add(node string) {
	for i := 0; i < r.replicas; i++ {
		p := hash64(node + "#" + strconv.Itoa(i))
		if _, taken := r.owners[p]; taken {
			continue
		}
		r.owners[p] = node
		r.points = append(r.points, p)
	}
	sort.Slice(r.points, func(i, j int) bool { return r.points[i] < r.points[j] })
}

// Remove takes a node off the ring; its keys move to the next points clockwise.
func (r *Ring) Remove(node string) {
	kept := r.points[:0]
	for _, p := range r.points {
		if r.owners[p] == node {
			delete(r.owners, p)
			continue
		}
		kept = append(kept, p)
	}
	r.points = kept
}

// Locate returns the node responsible for key: the owner of the first point at or
// after the key's position, wrapping around to the first point.
func (r *Ring) Locate(key string) (string, error) {
	if len(r.points) == 0 {
		return "", ErrNoNodes
	}
	h := hash64(key)
	i := sort.Search(len(r.points), func(i int) bool { return r.points[i] >= h })
	if i == len(r.points) {
		i = 0
	}
	return r.owners[r.points[i]], nil
}
