"""French administrative geography: postcode → département → région, and a few cities.

Tables are data kept in code (no I/O): the 101 départements with their 2016 région, the
overseas collectivities, and the main cities (préfectures and cities where the centres
hold events) for places written without a postcode ("Sélestat", "Poitiers").
"""

from __future__ import annotations

from normalize.folding import fold_words

__all__ = [
    "DEPARTEMENTS",
    "departement_of",
    "departement_name",
    "departement_label",
    "region_of",
    "city_departement",
    "city_of_postcode",
    "departement_by_name",
]

_REGIONS = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "2A 2B",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Guadeloupe": "971",
    "Martinique": "972",
    "Guyane": "973",
    "La Réunion": "974",
    "Mayotte": "976",
}
_REGION_OF = {code: region for region, codes in _REGIONS.items() for code in codes.split()}

DEPARTEMENTS: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes", "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes",
    "09": "Ariège", "10": "Aube", "11": "Aude", "12": "Aveyron", "13": "Bouches-du-Rhône",
    "14": "Calvados", "15": "Cantal", "16": "Charente", "17": "Charente-Maritime",
    "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne",
    "25": "Doubs", "26": "Drôme", "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère",
    "30": "Gard", "31": "Haute-Garonne", "32": "Gers", "33": "Gironde", "34": "Hérault",
    "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire", "38": "Isère",
    "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire",
    "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne",
    "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche", "51": "Marne",
    "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle", "55": "Meuse",
    "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise",
    "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin",
    "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe",
    "73": "Savoie", "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime",
    "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme",
    "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse", "85": "Vendée",
    "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne",
    "90": "Territoire de Belfort", "91": "Essonne", "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
    "975": "Saint-Pierre-et-Miquelon", "976": "Mayotte", "977": "Saint-Barthélemy",
    "978": "Saint-Martin", "986": "Wallis-et-Futuna", "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
}

# Cities written without a postcode. Ambiguous names (Saint-Denis 93/974, Saint-Pierre,
# Saint-Paul...) are left out on purpose: a wrong département is worse than none.
_CITIES = {
    "01": "Bourg-en-Bresse", "02": "Laon|Saint-Quentin|Soissons", "03": "Moulins|Montluçon|Vichy",
    "04": "Digne-les-Bains|Manosque", "05": "Gap|Briançon", "06": "Nice|Cannes|Antibes|Grasse",
    "07": "Privas|Annonay|Aubenas", "08": "Charleville-Mézières|Sedan", "09": "Foix|Pamiers",
    "10": "Troyes", "11": "Carcassonne|Narbonne", "12": "Rodez|Millau|Decazeville",
    "13": "Marseille|Aix-en-Provence|Arles|Martigues|Aubagne|Istres|Salon-de-Provence|Vitrolles",
    "14": "Caen|Lisieux|Hérouville-Saint-Clair", "15": "Aurillac", "16": "Angoulême|Cognac",
    "17": "La Rochelle|Saintes|Rochefort|Royan", "18": "Bourges|Vierzon", "19": "Tulle|Brive-la-Gaillarde",
    "2A": "Ajaccio|Porto-Vecchio", "2B": "Bastia|Corte", "21": "Dijon|Chenôve|Beaune",
    "22": "Saint-Brieuc|Lannion|Dinan", "23": "Guéret", "24": "Périgueux|Bergerac",
    "25": "Besançon|Montbéliard|Audincourt|Pontarlier", "26": "Valence|Montélimar|Romans-sur-Isère",
    "27": "Évreux|Vernon|Louviers", "28": "Chartres|Dreux", "29": "Quimper|Brest|Morlaix",
    "30": "Nîmes|Alès|Bagnols-sur-Cèze", "31": "Toulouse|Colomiers|Muret|Blagnac",
    "32": "Auch", "33": "Bordeaux|Pessac|Mérignac|Lormont|Cenon|Floirac|Bègles|Libourne",
    "34": "Montpellier|Béziers|Sète|Lunel|Lodève", "35": "Rennes|Saint-Malo|Fougères|Vitré",
    "36": "Châteauroux|Issoudun", "37": "Tours|Joué-lès-Tours|Amboise|Chinon",
    "38": "Grenoble|Échirolles|Vienne|Bourgoin-Jallieu|Saint-Martin-d'Hères",
    "39": "Lons-le-Saunier|Dole", "40": "Mont-de-Marsan|Dax", "41": "Blois|Vendôme|Romorantin-Lanthenay",
    "42": "Saint-Étienne|Roanne|Firminy", "43": "Le Puy-en-Velay", "44": "Nantes|Saint-Nazaire|Rezé|Saint-Herblain",
    "45": "Orléans|Montargis|Fleury-les-Aubrais", "46": "Cahors|Figeac", "47": "Agen|Villeneuve-sur-Lot|Marmande",
    "48": "Mende", "49": "Angers|Cholet|Saumur", "50": "Saint-Lô|Cherbourg-en-Cotentin|Coutances",
    "51": "Châlons-en-Champagne|Reims|Épernay", "52": "Chaumont|Saint-Dizier", "53": "Laval",
    "54": "Nancy|Lunéville|Vandœuvre-lès-Nancy", "55": "Bar-le-Duc|Verdun",
    "56": "Vannes|Lorient|Lanester", "57": "Metz|Thionville|Forbach|Sarreguemines",
    "58": "Nevers", "59": "Lille|Roubaix|Tourcoing|Dunkerque|Valenciennes|Maubeuge|Douai|Villeneuve-d'Ascq|Cambrai|Wattrelos|Denain",
    "60": "Beauvais|Compiègne|Creil|Nogent-sur-Oise", "61": "Alençon|Argentan|Flers",
    "62": "Arras|Calais|Boulogne-sur-Mer|Lens|Liévin|Béthune|Hénin-Beaumont",
    "63": "Clermont-Ferrand|Thiers|Issoire", "64": "Pau|Bayonne|Biarritz",
    "65": "Tarbes|Lourdes", "66": "Perpignan", "67": "Strasbourg|Sélestat|Haguenau|Schiltigheim|Illkirch-Graffenstaden|Saverne",
    "68": "Colmar|Mulhouse", "69": "Lyon|Villeurbanne|Vénissieux|Vaulx-en-Velin|Bron|Rillieux-la-Pape",
    "70": "Vesoul", "71": "Mâcon|Chalon-sur-Saône|Le Creusot|Montceau-les-Mines",
    "72": "Le Mans", "73": "Chambéry|Aix-les-Bains", "74": "Annecy|Annemasse",
    "75": "Paris", "76": "Rouen|Le Havre|Dieppe|Elbeuf", "77": "Melun|Meaux|Chelles",
    "78": "Versailles|Les Mureaux|Mantes-la-Jolie|Trappes|Sartrouville|Poissy",
    "79": "Niort|Bressuire", "80": "Amiens|Abbeville", "81": "Albi|Castres",
    "82": "Montauban", "83": "Toulon|Fréjus|Draguignan|La Seyne-sur-Mer|Hyères",
    "84": "Avignon|Carpentras|Orange|Cavaillon", "85": "La Roche-sur-Yon|Les Sables-d'Olonne",
    "86": "Poitiers|Châtellerault", "87": "Limoges", "88": "Épinal|Saint-Dié-des-Vosges",
    "89": "Auxerre|Sens", "90": "Belfort", "91": "Évry|Évry-Courcouronnes|Grigny|Corbeil-Essonnes|Massy|Les Ulis",
    "92": "Nanterre|Gennevilliers|Colombes|Boulogne-Billancourt",
    "93": "Bobigny|Aubervilliers|Montreuil|Saint-Ouen|Clichy-sous-Bois|Sevran|Bondy|Pantin|La Courneuve",
    "94": "Créteil|Vitry-sur-Seine|Champigny-sur-Marne|Ivry-sur-Seine",
    "95": "Cergy|Pontoise|Argenteuil|Sarcelles|Garges-lès-Gonesse|Villiers-le-Bel",
    "971": "Basse-Terre|Pointe-à-Pitre|Les Abymes|Baie-Mahault", "972": "Fort-de-France|Le Lamentin|Schœlcher",
    "973": "Cayenne|Kourou|Saint-Laurent-du-Maroni|Matoury", "974": "Le Port|Le Tampon|Saint-André",
    "976": "Mamoudzou|Dzaoudzi|Koungou",
}


_fold = fold_words  # "Saint-Denis", "saint denis" and "SAINT DENIS" meet


_CITY_INDEX = {_fold(city): code for code, cities in _CITIES.items() for city in cities.split("|")}
_DEPT_BY_NAME = {_fold(name): code for code, name in DEPARTEMENTS.items()}


def departement_of(postcode: str | None) -> str | None:
    """Département code of a French postcode ("59100" → "59", "20200" → "2B", "97200" → "972")."""
    code = (postcode or "").strip().replace(" ", "")
    if len(code) != 5 or not code.isdigit():
        return None
    if code.startswith("20"):
        # Corsica: 200xx/201xx are Corse-du-Sud, 202xx-206xx Haute-Corse.
        return "2A" if code[2] in "01" else "2B"
    if code.startswith("97"):
        if code.startswith("97133"):
            return "977"  # Saint-Barthélemy shares the Guadeloupe prefix
        if code.startswith("97150"):
            return "978"  # Saint-Martin likewise
        return code[:3] if code[:3] in DEPARTEMENTS else None
    if code.startswith("98"):
        return code[:3] if code[:3] in DEPARTEMENTS else None  # 980xx is Monaco
    return code[:2] if code[:2] in DEPARTEMENTS else None


def departement_name(code: str | None) -> str | None:
    """French name of a département code ("59" → "Nord")."""
    return DEPARTEMENTS.get((code or "").upper())


def departement_label(code: str | None) -> str | None:
    """Display form used in the database: "Nord (59)", "Corse-du-Sud (2A)"."""
    name = departement_name(code)
    return f"{name} ({code.upper()})" if name else None


def region_of(departement_code: str | None) -> str | None:
    """French name of the région of a département code ("59" → "Hauts-de-France")."""
    return _REGION_OF.get((departement_code or "").upper())


def city_departement(city: str | None) -> str | None:
    """Département code of a known, unambiguous city name ("Sélestat" → "67")."""
    return _CITY_INDEX.get(_fold(city or ""))


def departement_by_name(name: str | None) -> str | None:
    """Département code from its name ("Martinique" → "972", "seine saint denis" → "93")."""
    return _DEPT_BY_NAME.get(_fold(name or ""))


def city_of_postcode(postcode: str | None) -> str | None:
    """City implied by a postcode alone: Paris, Lyon and Marseille arrondissements."""
    code = (postcode or "").strip()
    if len(code) != 5 or not code.isdigit():
        return None
    number = int(code)
    if 75001 <= number <= 75020 or number == 75116:
        return "Paris"
    if 69001 <= number <= 69009:
        return "Lyon"
    if 13001 <= number <= 13016:
        return "Marseille"
    return None
