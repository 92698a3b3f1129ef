"""HTTP routes by concern; each module holds one APIRouter."""
