// Add or edit a capture target: the node's URL and prefix, the token (one field that takes
// a token, an Authorization header, a DevTools cURL command or a HAR file; or a token file
// or environment variable read at capture time) and TLS settings. Shows what the token
// says about itself (subject, roles, expiry), never the token.
#pragma once

#include <QDialog>

#include "client/targets.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace embers::app {

class TargetDialog : public QDialog {
    Q_OBJECT
public:
    // `literalToken`: the stored token of an existing target (shown masked).
    TargetDialog(const capture::Target& target, const QString& literalToken,
                 QWidget* parent = nullptr, const QString& oauthSecret = {},
                 const QString& oauthPassword = {});

    capture::Target target() const;
    QString literalToken() const { return token_; }
    QString oauthClientSecret() const;
    QString oauthPassword() const;

    // Fills the dialog from pasted text (cURL, header, HAR path, token): URL, prefix, token.
    void takeInput(const QString& text);

    void accept() override;

private:
    void updateTokenInfo();
    void onSourceChanged();

    capture::Target target_;
    QString token_;  // the literal token worked out of the paste field
    QLineEdit* name_;
    QLineEdit* url_;
    QComboBox* prefix_;
    QComboBox* source_;
    QPlainTextEdit* paste_;
    QLineEdit* reference_;  // file path or variable name
    QWidget* oauth_;        // the OAuth2 fields
    QLineEdit* oauthUrl_;
    QLineEdit* oauthClient_;
    QLineEdit* oauthSecret_;
    QLineEdit* oauthUser_;
    QLineEdit* oauthPassword_;
    QLineEdit* oauthScope_;
    QLabel* tokenInfo_;
    QLineEdit* caFile_;
    QLineEdit* certFile_;
    QLineEdit* keyFile_;
    QCheckBox* insecure_;
    QLabel* insecureWarning_;
    QLabel* error_;
};

}  // namespace embers::app
