// Debian's libxml2 is built with ICU; its ICU headers clash with the ICU that Foundation bundles
// ("'UErrorCode' has different definitions in different modules"). Read the version header first,
// then switch the ICU part off before any other libxml2 header is seen.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
