"""CSV import (partners, leads) and export (leads, KPIs)."""
