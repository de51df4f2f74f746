// Profile info: what the open profile holds (sample types with their totals,
// period, time, duration, comments, mappings, table sizes) and what the
// current view shows. A read-only tree.
#pragma once

#include <QPointer>
#include <QTreeWidget>

#include "core/profile.h"

namespace embers::widgets {

class ProfileSession;

class InfoView : public QTreeWidget {
    Q_OBJECT
public:
    explicit InfoView(ProfileSession* session, QWidget* parent = nullptr);

    // Profiles with more samples than this get their totals summed on a worker
    // (default 500,000). 0: always on a worker.
    void setAsyncThreshold(size_t samples) { asyncThreshold_ = samples; }

    // The value shown for the item whose first column is `label` (searched
    // depth-first); empty if none. For tests and copy-paste.
    QString valueOf(const QString& label) const;

public slots:
    // Rebuilds from the session's raw profile and current result.
    void refresh();

signals:
    // The tree is complete, totals included.
    void infoReady();

private:
    void build(const std::vector<int64_t>& totals);
    void updateCurrentView();

    QPointer<ProfileSession> session_;
    core::ProfilePtr shown_;
    quint64 generation_ = 0;
    size_t asyncThreshold_ = 500000;
    QTreeWidgetItem* viewItem_ = nullptr;
};

}  // namespace embers::widgets
