"""Several nodes and PostgreSQL: the CLI's backup and cluster messages."""

from __future__ import annotations

ZH: dict[str, str] = {
    "cluster.backup_done": "已备份到 {file}",
    "cluster.backup_restore_hint": "恢复：createdb 新库名，再 pg_restore --no-owner --dbname 新库 {file}（见 docs/deployment.md）",
    "cluster.started": "明德：{nodes} 个节点在 nginx 之后，地址 http://{address}:{port}（数据库 {db}，日志在 {logs}）",
    "cluster.needs_nginx": "没有安装 nginx：apt-get install -y nginx-light",
}

EN: dict[str, str] = {
    "cluster.backup_done": "backed up to {file}",
    "cluster.backup_restore_hint": "to restore: createdb a new database, then pg_restore --no-owner --dbname NEWDB {file} (see docs/deployment.md)",
    "cluster.started": "Mingde: {nodes} nodes behind nginx on http://{address}:{port} (database {db}, logs in {logs})",
    "cluster.needs_nginx": "nginx is not installed: apt-get install -y nginx-light",
}
