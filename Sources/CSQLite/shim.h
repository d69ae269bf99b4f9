#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import; expose it as a function.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// SQLite keeps allocation statistics behind a global mutex by default; settle does not read
// them, and on the ingest path that mutex costs a lock per allocation. Call before any open.
static inline int csqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
