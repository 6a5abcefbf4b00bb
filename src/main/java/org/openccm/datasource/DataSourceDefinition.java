package org.openccm.datasource;

/**
 * A data source as stored: the password stays sealed by the secrets key.
 *
 * @param revision grows with every change, so that pools built from an older one are rebuilt
 */
record DataSourceDefinition(
        long cabinetId, String name, String url, String username, String sealedPassword, int poolSize, long revision) {

    boolean hasPassword() {
        return sealedPassword != null && !sealedPassword.isEmpty();
    }

    @Override
    public String toString() {
        return "DataSource[" + cabinetId + "/" + name + ", revision " + revision + "]";
    }
}
