package main

// Bearer-token middleware and token minting. Tokens are compact JWTs
// signed with HMAC-SHA256 (alg HS256) using the -secret key. Claims:
//
//	sub   string    subject (informational)
//	roles []string  must contain "admin" or "super-admin"
//	iss   string    "goserver" (informational)
//	iat   number    issued-at, seconds since the epoch (informational)
//	exp   number    expiry, seconds since the epoch; optional, checked if present

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

var (
	errBadToken = errors.New("token signature is invalid") // malformed or wrong signature
	errExpired  = errors.New("token expired")
)

type authenticator struct {
	secret []byte
	static string // accepted as admin when non-empty
}

func (a *authenticator) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="goserver"`)
			http.Error(w, "missing bearer token", http.StatusUnauthorized)
			return
		}
		if a.static != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(a.static)) == 1 {
			next.ServeHTTP(w, r)
			return
		}
		roles, err := verifyToken(a.secret, tok, time.Now())
		if err != nil {
			w.Header().Set("WWW-Authenticate",
				`Bearer error="invalid_token", error_description="`+err.Error()+`"`)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if !hasRole(roles, "admin", "super-admin") {
			http.Error(w, "forbidden: admin or super-admin role required", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken returns the token of an "Authorization: Bearer TOKEN" header
// (scheme matched case-insensitively). Any other scheme counts as missing.
func bearerToken(r *http.Request) (string, bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, tok, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func hasRole(roles []string, want ...string) bool {
	for _, r := range roles {
		for _, w := range want {
			if r == w {
				return true
			}
		}
	}
	return false
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
}

type jwtClaims struct {
	Sub   string   `json:"sub,omitempty"`
	Roles []string `json:"roles"`
	Iss   string   `json:"iss,omitempty"`
	Iat   int64    `json:"iat"`
	Exp   *int64   `json:"exp,omitempty"`
}

func sign(secret []byte, signingInput string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(signingInput))
	return m.Sum(nil)
}

func encodeSegment(v interface{}) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// mintToken signs a token. expSeconds > 0 expires in the future, < 0 in the
// past (an already expired token), 0 leaves the exp claim out.
func mintToken(secret, sub string, roles []string, expSeconds int64, now time.Time) (string, error) {
	if secret == "" {
		return "", errors.New("-secret must not be empty")
	}
	if roles == nil {
		roles = []string{}
	}
	c := jwtClaims{Sub: sub, Roles: roles, Iss: "goserver", Iat: now.Unix()}
	if expSeconds != 0 {
		e := now.Unix() + expSeconds
		c.Exp = &e
	}
	h, err := encodeSegment(jwtHeader{Alg: "HS256", Typ: "JWT"})
	if err != nil {
		return "", err
	}
	p, err := encodeSegment(c)
	if err != nil {
		return "", err
	}
	input := h + "." + p
	return input + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(secret), input)), nil
}

// verifyToken checks shape, algorithm and signature (errBadToken), then
// expiry (errExpired), and returns the roles claim. A roles claim that is
// absent or not an array of strings yields no roles (and so a 403).
func verifyToken(secret []byte, tok string, now time.Time) ([]string, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errBadToken
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, errBadToken
	}
	var h jwtHeader
	if json.Unmarshal(hb, &h) != nil || h.Alg != "HS256" {
		return nil, errBadToken
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, sign(secret, parts[0]+"."+parts[1])) {
		return nil, errBadToken
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errBadToken
	}
	var raw map[string]json.RawMessage
	if json.Unmarshal(pb, &raw) != nil {
		return nil, errBadToken
	}
	if e, ok := raw["exp"]; ok {
		var exp float64
		if json.Unmarshal(e, &exp) != nil {
			return nil, errBadToken
		}
		if float64(now.Unix()) >= exp {
			return nil, errExpired
		}
	}
	var roles []string
	if rr, ok := raw["roles"]; ok {
		if json.Unmarshal(rr, &roles) != nil {
			roles = nil
		}
	}
	return roles, nil
}

func splitRoles(s string) []string {
	roles := []string{}
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			roles = append(roles, r)
		}
	}
	return roles
}
