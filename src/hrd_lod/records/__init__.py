"""Records: reading data files into checked, frozen values."""

from .load import load_records
from .model import LangString, Record, Records, Ref, Url, Year

__all__ = ["LangString", "Record", "Records", "Ref", "Url", "Year", "load_records"]
