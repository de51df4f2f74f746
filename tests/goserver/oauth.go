package main

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"
)

// oauthServer is a minimal OAuth2 token endpoint (RFC 6749): the client credentials grant
// and the resource owner password grant, client authentication by HTTP Basic. Tokens are
// this server's own JWTs with the admin role, valid for ttl.
type oauthServer struct {
	secret       string
	clientID     string
	clientSecret string
	user         string
	password     string
	ttl          time.Duration
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (o *oauthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="goserver"`)
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "invalid_request", "POST the token request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || !equal(id, o.clientID) || !equal(secret, o.clientSecret) {
		fail(http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request", "the form does not parse")
		return
	}
	sub := id
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
	case "password":
		if o.user == "" || !equal(r.PostForm.Get("username"), o.user) ||
			!equal(r.PostForm.Get("password"), o.password) {
			fail(http.StatusBadRequest, "invalid_grant", "wrong username or password")
			return
		}
		sub = o.user
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type", "use client_credentials or password")
		return
	}
	tok, err := mintToken(o.secret, sub, []string{"admin"}, int64(o.ttl/time.Second), time.Now())
	if err != nil {
		fail(http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]interface{}{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   int64(o.ttl / time.Second),
	})
}
