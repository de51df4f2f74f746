// The flame graph with its controls: breadcrumb and Back, search (Ctrl+F)
// with the matches' share, orientation, export. Follows a ProfileSession.
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QScrollArea;
class QToolButton;

namespace embers::widgets {

class FlameGraphWidget;
class ProfileSession;

class FlameGraphView : public QWidget {
    Q_OBJECT
public:
    explicit FlameGraphView(ProfileSession* session, QWidget* parent = nullptr);

    FlameGraphWidget* graph() const { return graph_; }
    // Writes the current view as PNG, or the whole graph as SVG, chosen by
    // the file's extension. Returns an error message, empty on success.
    QString exportTo(const QString& path, int width = 1600) const;

public slots:
    void focusSearch();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onAnalysisReady();
    void updateBreadcrumb();

    ProfileSession* session_;
    FlameGraphWidget* graph_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    QLabel* breadcrumb_ = nullptr;
    QToolButton* back_ = nullptr;
    QToolButton* orientation_ = nullptr;
    QLineEdit* search_ = nullptr;
    QLabel* matches_ = nullptr;
};

}  // namespace embers::widgets
