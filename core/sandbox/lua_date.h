/* lua_date.h: the `date` table rules and configs see (date.parse, date.format,
 * date.parts), pure functions over datetime.h: no os.*, no machine time zone. */
#ifndef PROVCHECK_LUA_DATE_H
#define PROVCHECK_LUA_DATE_H
#include <lua.h>

/* [-0, +1] A new table with the date functions. */
void lua_date_push(lua_State *L);

#endif
