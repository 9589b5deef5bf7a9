// The loadable-extension view of SQLite: the sqlite3_api_routines table the loader hands over.
// Only the table's type is used from Swift; no sqlite3_* function is ever linked, so the
// extension loads into hosts (Python, RSQLite) whose private SQLite exports none.
#include <sqlite3ext.h>
