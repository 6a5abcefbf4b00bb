package org.openccm.session;

/** What a user may do in a cabinet. */
public enum Role {
    /** Everything, including the admin API. */
    SUPERVISOR,
    /** Generate, deliver, retry and approve. */
    OPERATOR,
    /** Read status only. */
    VIEWER,
    /** May not connect at all (-50110). */
    NONE;

    public boolean mayGenerate() {
        return this == SUPERVISOR || this == OPERATOR;
    }

    public boolean mayAdminister() {
        return this == SUPERVISOR;
    }
}
