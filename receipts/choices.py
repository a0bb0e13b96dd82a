from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    """The store's two retail sides; they never share points (R-PTS-5)."""

    DEPT = "dept", _("Department store")
    MARKET = "market", _("Supermarket")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    PREPAID_CARD = "prepaid_card", _("Store prepaid card")
    STORED_VALUE = "stored_value", _("Member stored value")


class Category(models.TextChoices):
    """Goods categories as the tills send them (api-contract.md). `clothing` means spring/autumn/winter."""

    CLOTHING_SUMMER = "clothing_summer", _("Summer clothing")
    CLOTHING = "clothing", _("Clothing (spring/autumn/winter)")
    COSMETICS = "cosmetics", _("Cosmetics")
    SHOES_LEATHER = "shoes_leather", _("Leather shoes")
    SHOES_OTHER = "shoes_other", _("Other shoes")
    HATS = "hats", _("Hats")
    CHILDREN = "children", _("Children's goods")
    SPORTS = "sports", _("Sports")
    BEDDING = "bedding", _("Bedding")
    CRAFTS_GIFTS = "crafts_gifts", _("Crafts and gifts")
    HAIR_ACCESSORIES = "hair_accessories", _("Hair accessories")
    WATCHES_DOMESTIC = "watches_domestic", _("Domestic watches")
    HEALTH = "health", _("Health products")
    TOYS = "toys", _("Toys")
    JEWELLERY = "jewellery", _("Gold and platinum jewellery")
    JADE = "jade", _("Jade")
    WATCHES_IMPORTED = "watches_imported", _("Imported watches")
    TOBACCO_ALCOHOL = "tobacco_alcohol", _("Tobacco and alcohol")
    TEA = "tea", _("Tea")
    FUR = "fur", _("Fur")
    UNDERWEAR = "underwear", _("Underwear")
    GROCERY = "grocery", _("Grocery")
    FRESH = "fresh", _("Fresh food")


class ReceiptSource(models.TextChoices):
    FEED = "feed", _("Till feed")
    IMPORT = "import", _("Imported till export")
