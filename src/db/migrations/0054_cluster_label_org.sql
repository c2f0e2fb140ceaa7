-- 0054_cluster_label_org.sql: an index of a cluster's labels by cluster.
-- The eligibility of a call with a label rule ("established clusters with
-- an ESCA label") reads each candidate cluster's labels: with no index on
-- org_id, every cluster scanned the whole table, and such a call's page took
-- 40 ms at 1,000 clusters where the others took 5 (bench/calls.sh; with the
-- index, the clusters' count went from 19 ms to 1.3 ms). A profile's
-- labels and "calls you can apply for" read it by cluster too.
CREATE INDEX cluster_label_org ON cluster_label(org_id);
