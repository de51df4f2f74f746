package main

// Throw-away PKI, made fresh at every start: one CA, a server certificate
// for 127.0.0.1, ::1 and localhost, and a client certificate for mTLS, all
// ECDSA P-256. Files written into -certdir:
//
//	ca.pem                           the CA certificate (trust this)
//	server.pem, server-key.pem       server certificate and PKCS#8 key
//	client.pem, client-key.pem       client certificate and PKCS#8 key

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

type keyPair struct {
	cert *x509.Certificate
	der  []byte
	key  *ecdsa.PrivateKey
}

func newSerial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// issue creates a key and a certificate from tmpl, signed by parent (or
// self-signed when parent is nil).
func issue(tmpl *x509.Certificate, parent *keyPair) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	if tmpl.SerialNumber, err = newSerial(); err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl.NotBefore = now.Add(-time.Hour)
	tmpl.NotAfter = now.Add(7 * 24 * time.Hour)
	signerCert, signerKey := tmpl, key
	if parent != nil {
		signerCert, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signerKey)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &keyPair{cert: cert, der: der, key: key}, nil
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
}

func (kp *keyPair) write(dir, certName, keyName string) error {
	if err := writePEM(filepath.Join(dir, certName), "CERTIFICATE", kp.der, 0o644); err != nil {
		return err
	}
	if keyName == "" {
		return nil
	}
	kder, err := x509.MarshalPKCS8PrivateKey(kp.key)
	if err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, keyName), "PRIVATE KEY", kder, 0o600)
}

// generateCerts writes the PKI into dir and returns the server's TLS
// configuration; with mtls it requires client certificates from the CA.
func generateCerts(dir string, mtls bool) (*tls.Config, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ca, err := issue(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "goserver throw-away test CA", Organization: []string{"Embers tests"}},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil)
	if err != nil {
		return nil, err
	}
	server, err := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "127.0.0.1", Organization: []string{"Embers tests"}},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	client, err := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "embers-test-client", Organization: []string{"Embers tests"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca)
	if err != nil {
		return nil, err
	}
	if err := ca.write(dir, "ca.pem", ""); err != nil {
		return nil, err
	}
	if err := server.write(dir, "server.pem", "server-key.pem"); err != nil {
		return nil, err
	}
	if err := client.write(dir, "client.pem", "client-key.pem"); err != nil {
		return nil, err
	}

	conf := &tls.Config{
		MinVersion: tls.VersionTLS12,
		Certificates: []tls.Certificate{{
			Certificate: [][]byte{server.der},
			PrivateKey:  server.key,
			Leaf:        server.cert,
		}},
	}
	if mtls {
		pool := x509.NewCertPool()
		pool.AddCert(ca.cert)
		conf.ClientCAs = pool
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return conf, nil
}
