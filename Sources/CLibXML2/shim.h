#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, whose headers clash with Foundation's own copy of ICU in a
   Swift module. settle never touches the ICU converters (only the encoding handler's layout
   uses them), so their declarations are left out here. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer, which Swift 6 will not read from any thread. */
static inline void settle_xml_free(void *p) { xmlFree(p); }
