#include "target_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "client/jwt.h"
#include "client/pprof_index.h"
#include "client/token_source.h"

namespace embers::app {

using namespace embers::capture;

namespace {

const QString kAutoPrefix = QObject::tr("Find it automatically");

QWidget* fileRow(QLineEdit* edit, const QString& title, QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* l = new QHBoxLayout(row);
    l->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(browse, &QPushButton::clicked, row, [edit, title, row] {
        const QString path = QFileDialog::getOpenFileName(row, title, edit->text());
        if (!path.isEmpty()) edit->setText(path);
    });
    l->addWidget(edit, 1);
    l->addWidget(browse);
    return row;
}

}  // namespace

namespace {
constexpr int kOAuth2Source = 100;  // the source combo's data for "OAuth2 token endpoint"
}  // namespace

TargetDialog::TargetDialog(const Target& target, const QString& literalToken, QWidget* parent,
                           const QString& oauthSecret, const QString& oauthPassword)
    : QDialog(parent), target_(target), token_(literalToken) {
    setWindowTitle(target.name.isEmpty() ? tr("Add target") : tr("Edit target"));
    setMinimumWidth(620);

    name_ = new QLineEdit(target.name);
    name_->setPlaceholderText(tr("e.g. staging node 1"));
    url_ = new QLineEdit(target.baseUrl.isValid() ? target.baseUrl.toString() : QString());
    url_->setPlaceholderText(tr("https://node:8443, or a full pprof URL"));
    prefix_ = new QComboBox;
    prefix_->setEditable(true);
    prefix_->addItem(kAutoPrefix);
    prefix_->addItems({QStringLiteral("/debug/pprof"), QStringLiteral("/__/debug/pprof")});
    prefix_->setCurrentText(target.prefix.isEmpty() ? kAutoPrefix : target.prefix);

    source_ = new QComboBox;
    source_->addItem(tr("Pasted: token, Authorization header, cURL command or HAR file"),
                     int(TokenRef::Literal));
    source_->addItem(tr("Token file, read at capture time"), int(TokenRef::File));
    source_->addItem(tr("Environment variable, read at capture time"), int(TokenRef::Env));
    source_->addItem(tr("OAuth2 token endpoint (client credentials or password grant)"),
                     kOAuth2Source);
    source_->setCurrentIndex(
        source_->findData(target.usesOAuth2() ? kOAuth2Source : int(target.tokenKind)));
    oauth_ = new QWidget;
    auto* oauthForm = new QFormLayout(oauth_);
    oauthForm->setContentsMargins(0, 0, 0, 0);
    oauthUrl_ = new QLineEdit(target.oauthTokenUrl);
    oauthUrl_->setPlaceholderText(tr("https://idp.example/oauth/token"));
    oauthClient_ = new QLineEdit(target.oauthClientId);
    oauthSecret_ = new QLineEdit(oauthSecret);
    oauthSecret_->setEchoMode(QLineEdit::Password);
    oauthUser_ = new QLineEdit(target.oauthUsername);
    oauthUser_->setPlaceholderText(tr("empty: the client credentials grant"));
    oauthPassword_ = new QLineEdit(oauthPassword);
    oauthPassword_->setEchoMode(QLineEdit::Password);
    oauthScope_ = new QLineEdit(target.oauthScope);
    oauthForm->addRow(tr("Token URL:"), oauthUrl_);
    oauthForm->addRow(tr("Client id:"), oauthClient_);
    oauthForm->addRow(tr("Client secret:"), oauthSecret_);
    oauthForm->addRow(tr("Username:"), oauthUser_);
    oauthForm->addRow(tr("Password:"), oauthPassword_);
    oauthForm->addRow(tr("Scope:"), oauthScope_);
    paste_ = new QPlainTextEdit;
    paste_->setPlaceholderText(
        tr("Paste a token, an \"Authorization: Bearer …\" line, a request copied from the "
           "browser's DevTools as cURL, or the path of a HAR export"));
    paste_->setMaximumHeight(90);
    if (!token_.isEmpty()) paste_->setPlaceholderText(tr("A token is stored; paste to replace it"));
    reference_ = new QLineEdit(target.tokenSource);
    tokenInfo_ = new QLabel;
    tokenInfo_->setWordWrap(true);
    tokenInfo_->setTextFormat(Qt::PlainText);

    caFile_ = new QLineEdit(target.caFile);
    caFile_->setPlaceholderText(tr("the system's CAs"));
    certFile_ = new QLineEdit(target.certFile);
    certFile_->setPlaceholderText(tr("none"));
    keyFile_ = new QLineEdit(target.keyFile);
    keyFile_->setPlaceholderText(tr("in the certificate file"));
    insecure_ = new QCheckBox(tr("Do not verify the server's certificate (insecure)"));
    insecure_->setChecked(target.insecure);
    insecureWarning_ =
        new QLabel(tr("Anyone on the path can read the token and the profiles. Prefer a CA file."));
    insecureWarning_->setStyleSheet(QStringLiteral("color: #c62828;"));
    insecureWarning_->setVisible(target.insecure);
    error_ = new QLabel;
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #c62828;"));
    error_->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Name:"), name_);
    form->addRow(tr("URL:"), url_);
    form->addRow(tr("pprof prefix:"), prefix_);
    form->addRow(tr("Token from:"), source_);
    form->addRow(QString(), paste_);
    form->addRow(QString(), reference_);
    form->addRow(QString(), oauth_);
    form->addRow(QString(), tokenInfo_);
    form->addRow(tr("CA file:"), fileRow(caFile_, tr("CA certificates (PEM)"), this));
    form->addRow(tr("Client certificate:"), fileRow(certFile_, tr("Client certificate"), this));
    form->addRow(tr("Client key:"), fileRow(keyFile_, tr("Client key"), this));
    form->addRow(QString(), insecure_);
    form->addRow(QString(), insecureWarning_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &TargetDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(error_);
    layout->addWidget(buttons);

    connect(paste_, &QPlainTextEdit::textChanged, this,
            [this] { takeInput(paste_->toPlainText()); });
    connect(source_, &QComboBox::currentIndexChanged, this, &TargetDialog::onSourceChanged);
    connect(reference_, &QLineEdit::textChanged, this, &TargetDialog::updateTokenInfo);
    connect(insecure_, &QCheckBox::toggled, insecureWarning_, &QWidget::setVisible);
    onSourceChanged();
}

void TargetDialog::onSourceChanged() {
    const bool oauth = source_->currentData().toInt() == kOAuth2Source;
    const auto kind = TokenRef::Kind(source_->currentData().toInt());
    oauth_->setVisible(oauth);
    paste_->setVisible(!oauth && kind == TokenRef::Literal);
    reference_->setVisible(!oauth && kind != TokenRef::Literal);
    if (oauth) {
        tokenInfo_->setText(
            tr("A token is asked for at each capture and renewed before it "
               "expires; the secrets are kept like tokens."));
        return;
    }
    reference_->setPlaceholderText(kind == TokenRef::File ? tr("/path/to/token")
                                                          : tr("VARIABLE_NAME"));
    updateTokenInfo();
}

void TargetDialog::takeInput(const QString& text) {
    if (text.trimmed().isEmpty()) {
        updateTokenInfo();
        return;
    }
    WorkupOptions options;
    options.host = QUrl(url_->text().trimmed()).host();
    const TokenWorkup w = workUpInput(text, options);
    if (!w.error.isEmpty()) {
        tokenInfo_->setText(w.error);
        return;
    }
    if (!w.token.isEmpty()) token_ = w.token;
    if (w.baseUrl.isValid() && !w.baseUrl.host().isEmpty() && url_->text().trimmed().isEmpty())
        url_->setText(w.baseUrl.toString());
    if (!w.pprofPrefix.isEmpty()) prefix_->setCurrentText(w.pprofPrefix);
    if (name_->text().isEmpty() && w.baseUrl.isValid()) {
        QString n = w.baseUrl.host();
        if (w.baseUrl.port() > 0) n += QStringLiteral(":%1").arg(w.baseUrl.port());
        name_->setText(n);
    }
    updateTokenInfo();
    if (w.kind != TokenInputKind::Url)
        tokenInfo_->setText(tr("Read a token from: %1.\n").arg(describeKind(w.kind)) +
                            tokenInfo_->text());
}

void TargetDialog::updateTokenInfo() {
    if (source_->currentData().toInt() == kOAuth2Source) return;
    const auto kind = TokenRef::Kind(source_->currentData().toInt());
    QString token = token_;
    if (kind != TokenRef::Literal) {
        TokenRef ref;
        ref.kind = kind;
        ref.value = reference_->text().trimmed();
        QString error;
        token = ref.value.isEmpty() ? QString() : resolveToken(ref, &error);
        if (!error.isEmpty()) {
            tokenInfo_->setText(error);
            return;
        }
    }
    if (token.isEmpty()) {
        tokenInfo_->setText(tr("No token: captures go without an Authorization header."));
        return;
    }
    const auto jwt = decodeJwt(token);
    if (!jwt) {
        tokenInfo_->setText(tr("An opaque token (%n characters).", "", int(token.size())));
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString text =
        tr("Token for %1; roles: %2; %3.")
            .arg(jwt->displayName.isEmpty() ? tr("(no subject)") : jwt->displayName,
                 jwt->roles.isEmpty() ? tr("none") : jwt->roles.join(QStringLiteral(", ")),
                 describeExpiry(*jwt, now));
    const QStringList warnings = captureWarnings(*jwt, now);
    if (!warnings.isEmpty()) text += QStringLiteral("\n⚠ ") + warnings.join(QStringLiteral("\n⚠ "));
    tokenInfo_->setText(text);
}

QString TargetDialog::oauthClientSecret() const {
    return oauthSecret_->text();
}

QString TargetDialog::oauthPassword() const {
    return oauthPassword_->text();
}

Target TargetDialog::target() const {
    Target t = target_;
    if (t.id.isEmpty()) t.id = newTargetId();
    const PprofUrl u = splitPprofUrl(url_->text().trimmed());
    t.baseUrl = u.base;
    const QString prefix = prefix_->currentText().trimmed();
    t.prefix = prefix == kAutoPrefix ? u.prefix : prefix;
    t.name = name_->text().trimmed();
    if (t.name.isEmpty()) {
        t.name = u.base.host();
        if (u.base.port() > 0) t.name += QStringLiteral(":%1").arg(u.base.port());
    }
    const bool oauth = source_->currentData().toInt() == kOAuth2Source;
    t.tokenKind = oauth ? TokenRef::Literal : TokenRef::Kind(source_->currentData().toInt());
    t.tokenSource = t.tokenKind == TokenRef::Literal ? QString() : reference_->text().trimmed();
    t.oauthTokenUrl = oauth ? oauthUrl_->text().trimmed() : QString();
    t.oauthClientId = oauth ? oauthClient_->text().trimmed() : QString();
    t.oauthUsername = oauth ? oauthUser_->text().trimmed() : QString();
    t.oauthScope = oauth ? oauthScope_->text().trimmed() : QString();
    t.caFile = caFile_->text().trimmed();
    t.certFile = certFile_->text().trimmed();
    t.keyFile = keyFile_->text().trimmed();
    t.insecure = insecure_->isChecked();
    return t;
}

void TargetDialog::accept() {
    const PprofUrl u = splitPprofUrl(url_->text().trimmed());
    QString problem;
    if (url_->text().trimmed().isEmpty())
        problem = tr("Give the node's URL, e.g. https://node:8443 (or paste a cURL command).");
    else if (!u.ok())
        problem = u.error;
    else if (source_->currentData().toInt() == kOAuth2Source &&
             (QUrl(oauthUrl_->text().trimmed()).host().isEmpty() ||
              oauthClient_->text().trimmed().isEmpty()))
        problem = tr("Give the OAuth2 token URL and the client id.");
    else if (source_->currentData().toInt() != kOAuth2Source &&
             source_->currentData().toInt() != TokenRef::Literal &&
             reference_->text().trimmed().isEmpty())
        problem = tr("Give the token file's path or the variable's name.");
    else if (!certFile_->text().trimmed().isEmpty() &&
             !QFileInfo::exists(certFile_->text().trimmed()))
        problem = tr("The client certificate %1 does not exist.").arg(certFile_->text().trimmed());
    else if (!caFile_->text().trimmed().isEmpty() && !QFileInfo::exists(caFile_->text().trimmed()))
        problem = tr("The CA file %1 does not exist.").arg(caFile_->text().trimmed());
    if (!problem.isEmpty()) {
        error_->setText(problem);
        error_->show();
        return;
    }
    QDialog::accept();
}

}  // namespace embers::app
