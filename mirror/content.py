"""French content banks for the demo mirror: places, themes, titles and prose.

Everything a centre's site says comes from here, drawn with the centre's own
`random.Random`, so the mirror reads like the real network (QPV names, cities,
programmes) while staying deterministic.
"""

from __future__ import annotations

import re

# Each centre's territory: (city, postcode, [QPV names], [venues]).
PLACES: dict[str, list[tuple[str, str, list[str], list[str]]]] = {
    "irev": [
        ("Roubaix", "59100", ["Alma-Gare", "Pile – Sainte-Élisabeth", "Épeule"], ["Maison de quartier de l'Alma", "La Condition Publique"]),
        ("Lille", "59000", ["Moulins", "Lille-Sud", "Fives"], ["Maison de quartier des Moulins", "Irev, 50 rue Gustave Delory"]),
        ("Tourcoing", "59200", ["La Bourgogne", "Phalempins"], ["Centre social Boilly"]),
        ("Maubeuge", "59600", ["Sous-le-Bois", "Provinces Françaises"], ["Espace Sculfort"]),
        ("Valenciennes", "59300", ["Dutemple", "Chasse Royale"], ["Centre social Dutemple"]),
        ("Dunkerque", "59140", ["Île Jeanty", "Banc Vert"], ["Maison de la vie associative"]),
        ("Amiens", "80000", ["Étouvie", "Amiens Nord"], ["Centre culturel Léo Lagrange"]),
    ],
    "oriv": [
        ("Strasbourg", "67100", ["Neuhof", "Meinau"], ["ORIV, 1 rue de la Course", "Centre socio-culturel du Neuhof"]),
        ("Strasbourg", "67200", ["Hautepierre", "Cronenbourg"], ["Maillon Hautepierre"]),
        ("Mulhouse", "68200", ["Bourtzwiller", "Coteaux", "Drouot"], ["Maison de la citoyenneté de Bourtzwiller"]),
        ("Reims", "51100", ["Croix-Rouge", "Orgeval"], ["Antenne de l'ORIV, Reims"]),
        ("Metz", "57070", ["Borny", "Bellecroix"], ["Boîte à Musiques de Borny"]),
        ("Nancy", "54000", ["Haut-du-Lièvre", "Plateau de Haye"], ["Centre social Jolibois"]),
        ("Sélestat", "67600", ["Sélestat Ouest"], ["Locaux de l'AREAL, 2 rue Saint Léonard"]),
    ],
    "normanvilles": [
        ("Caen", "14000", ["Grâce de Dieu", "Chemin Vert", "Pierre Heuzé"], ["Maison des associations de Caen"]),
        ("Rouen", "76000", ["Hauts de Rouen", "Grammont"], ["Centre social Simone Veil"]),
        ("Le Havre", "76600", ["Mont-Gaillard", "Caucriauville", "Bois de Bléville"], ["Espace Coty"]),
        ("Hérouville-Saint-Clair", "14200", ["Grande Delle", "Belles Portes"], ["Maison des jeunes de la Grande Delle"]),
        ("Évreux", "27000", ["La Madeleine", "Nétreville"], ["Maison de quartier de la Madeleine"]),
        ("Cherbourg-en-Cotentin", "50100", ["Les Provinces", "Les Fourches"], ["Espace René Le Bas"]),
        ("Alençon", "61000", ["Perseigne", "Courteille"], ["Centre social Paul Gauguin"]),
    ],
    "villes_au_carre": [
        ("Tours", "37000", ["Sanitas", "Rives du Cher", "Maryse Bastié"], ["Villes au Carré, 5 place de la Préfecture"]),
        ("Orléans", "45100", ["La Source", "Argonne"], ["Maison de la réussite de La Source"]),
        ("Blois", "41000", ["Croix-Chevalier", "Kennedy"], ["Espace Mirabeau"]),
        ("Bourges", "18000", ["Chancellerie", "Gibjoncs"], ["Maison de quartier Nord"]),
        ("Châteauroux", "36000", ["Saint-Jean", "Beaulieu"], ["Centre social Saint-Jean"]),
        ("Chartres", "28000", ["Beaulieu", "Bel-Air"], ["Maison pour tous de Beaulieu"]),
        ("Vierzon", "18100", ["Clos du Roy", "Colombier"], ["Forum République"]),
    ],
    "resovilles": [
        ("Nantes", "44100", ["Bellevue", "Breil"], ["RésO Villes, 2 rue Meuris", "Maison de quartier de Bellevue"]),
        ("Nantes", "44300", ["Nantes Nord", "Malakoff"], ["Pôle associatif Sully"]),
        ("Rennes", "35700", ["Maurepas", "Villejean"], ["Centre social de Maurepas"]),
        ("Rennes", "35200", ["Le Blosne", "Cleunay"], ["Triangle, cité de la danse"]),
        ("Brest", "29200", ["Pontanézen", "Bellevue", "Recouvrance"], ["Maison de quartier de Pontanézen"]),
        ("Saint-Nazaire", "44600", ["Ville-Ouest", "Trignac-Certé"], ["Agora 1901"]),
        ("Angers", "49000", ["Monplaisir", "Belle-Beille"], ["Centre Jacques Tati"]),
        ("Le Mans", "72100", ["Les Sablons", "Ronceray-Glonnières"], ["Espace Le Rabelais"]),
    ],
    "trajectoire_ressources": [
        ("Montbéliard", "25200", ["Petite-Hollande", "La Chiffogne"], ["Maison des Métiers de la Ville, 13 avenue Léon Blum"]),
        ("Besançon", "25000", ["Planoise", "Clairs-Soleils"], ["Maison de quartier de Planoise"]),
        ("Dijon", "21000", ["Grésilles", "Fontaine d'Ouche"], ["Centre social des Grésilles"]),
        ("Chalon-sur-Saône", "71100", ["Prés-Saint-Jean", "Stade-Fontaine-au-Loup"], ["Espace Jean Zay"]),
        ("Belfort", "90000", ["Résidences Bellevue", "Glacis du Château"], ["Maison de quartier des Résidences"]),
        ("Auxerre", "89000", ["Rive Droite", "Sainte-Geneviève"], ["Maison de quartier Rive Droite"]),
        ("Nevers", "58000", ["Banlay", "Grande Pâture"], ["Centre social du Banlay"]),
    ],
    "labo_cites": [
        ("Lyon", "69008", ["Mermoz", "États-Unis"], ["Labo Cités, 4 rue de Narvik"]),
        ("Lyon", "69009", ["La Duchère"], ["Maison des fêtes et des familles de La Duchère"]),
        ("Vaulx-en-Velin", "69120", ["Mas du Taureau", "Grande Île"], ["Centre Charlie Chaplin"]),
        ("Vénissieux", "69200", ["Minguettes", "Max Barel"], ["Espace Madeleine Reberioux"]),
        ("Grenoble", "38100", ["Villeneuve", "Mistral"], ["Maison des habitants du Patio"]),
        ("Saint-Étienne", "42000", ["Montreynaud", "Beaubrun-Tarentaize"], ["Amicale laïque de Montreynaud"]),
        ("Clermont-Ferrand", "63100", ["Les Vergnes", "Croix-de-Neyrat"], ["Maison de l'habitat des Vergnes"]),
    ],
    "pqn_a": [
        ("Bordeaux", "33300", ["Les Aubiers", "Bacalan"], ["PQN-A, 18 rue Furtado"]),
        ("Lormont", "33310", ["Génicart", "Carriet"], ["Pôle culturel et sportif du Bois Fleuri"]),
        ("Cenon", "33150", ["Palmer", "La Saraillère"], ["Rocher de Palmer"]),
        ("Poitiers", "86000", ["Les Couronneries", "Beaulieu"], ["Centre d'animation de Beaulieu"]),
        ("Limoges", "87100", ["Val de l'Aurence", "Beaubreuil"], ["Espace Simone Veil"]),
        ("Saintes", "17100", ["Boiffiers-Bellevue"], ["Salle de la Récluse"]),
        ("Pau", "64000", ["Saragosse", "Ousse des Bois"], ["Maison de quartier de Saragosse"]),
        ("Angoulême", "16000", ["Basseau-Grande Garenne", "Ma Campagne"], ["Espace Franquin"]),
    ],
    "ressources_territoires": [
        ("Toulouse", "31100", ["Grand Mirail", "Bagatelle", "La Faourette"], ["Ressources & Territoires, 9 rue Agathoise"]),
        ("Toulouse", "31200", ["Les Izards – Trois Cocus", "Bourbaki"], ["Maison de quartier des Izards"]),
        ("Montauban", "82000", ["Cœur de ville", "Chambord"], ["Espace des Augustins"]),
        ("Tarbes", "65000", ["Laubadère", "Solazur"], ["Maison de quartier de Laubadère"]),
        ("Albi", "81000", ["Cantepau", "Veyrières-Rayssac"], ["Centre social de Cantepau"]),
        ("Castres", "81100", ["Lameilhé", "Aillot-Bisséous"], ["Maison de quartier de Lameilhé"]),
        ("Colomiers", "31770", ["Val d'Aran – Fenassiers"], ["Pavillon Blanc"]),
    ],
    "villes_et_territoires": [
        ("Montpellier", "34080", ["Mosson", "Hauts de Massane"], ["Maison pour tous Léo Lagrange"]),
        ("Montpellier", "34070", ["Cévennes", "Petit Bard – Pergola"], ["Villes et Territoires, 2 place Paul Bec"]),
        ("Nîmes", "30900", ["Pissevin", "Valdegour", "Chemin Bas d'Avignon"], ["Centre social Simone Veil"]),
        ("Béziers", "34500", ["La Devèze", "Centre-ville"], ["Maison de la vie associative"]),
        ("Perpignan", "66000", ["Saint-Jacques", "Bas-Vernet"], ["Casa Musicale"]),
        ("Alès", "30100", ["Près-Saint-Jean", "Cévennes-Tamaris"], ["Espace André Chamson"]),
        ("Sète", "34200", ["Île de Thau", "Centre ancien"], ["Maison de quartier de l'Île de Thau"]),
    ],
    "cite_ressources": [
        ("Marseille", "13013", ["Frais-Vallon", "Malpassé"], ["Cité Ressources, 6 rue Montgrand"]),
        ("Marseille", "13015", ["La Castellane", "Kallisté"], ["Centre social Del Rio"]),
        ("Marseille", "13014", ["Busserine", "Saint-Barthélemy"], ["Théâtre du Merlan"]),
        ("Avignon", "84000", ["Monclar", "Saint-Chamand"], ["Maison pour tous de Monclar"]),
        ("Nice", "06300", ["L'Ariane", "Les Moulins"], ["Maison des associations de l'Ariane"]),
        ("La Seyne-sur-Mer", "83500", ["Berthe"], ["Espace Tisot"]),
        ("Miramas", "13140", ["La Maille"], ["Centre social Albert Schweitzer"]),
    ],
    "profession_banlieue": [
        ("Saint-Denis", "93200", ["Franc-Moisin", "Floréal", "Cosmonautes"], ["Profession Banlieue, 15 rue Catulienne"]),
        ("Aubervilliers", "93300", ["Villette – Quatre-Chemins", "Maladrerie"], ["Espace Fraternité"]),
        ("Bobigny", "93000", ["L'Abreuvoir", "Karl Marx"], ["Canal 93"]),
        ("Sevran", "93270", ["Beaudottes", "Rougemont"], ["Centre social Marcel Paul"]),
        ("Clichy-sous-Bois", "93390", ["Bas-Clichy", "Chêne Pointu"], ["Espace 93"]),
        ("Montreuil", "93100", ["Bel-Air – Grands Pêchers", "La Noue"], ["Maison de quartier Annie Fratellini"]),
        ("La Courneuve", "93120", ["Les 4000"], ["Houdremont, centre culturel"]),
    ],
    "ressources_urbaines": [
        ("Cergy", "95000", ["Axe Majeur – Horloge", "Sébastopol"], ["Maison de quartier des Touleuses"]),
        ("Sarcelles", "95200", ["Lochères"], ["Centre social Les Rosiers"]),
        ("Garges-lès-Gonesse", "95140", ["Dame Blanche", "Muette"], ["Espace Lino Ventura"]),
        ("Argenteuil", "95100", ["Val d'Argent Nord", "Joliot-Curie"], ["Salle Jean Vilar"]),
        ("Mantes-la-Jolie", "78200", ["Val Fourré"], ["Agora du Val Fourré"]),
        ("Les Mureaux", "78130", ["Cinq Quartiers"], ["Espace Molière"]),
        ("Trappes", "78190", ["Merisiers – Plaine de Neauphle"], ["Maison des parents"]),
    ],
    "crpve": [
        ("Évry-Courcouronnes", "91000", ["Pyramides", "Canal", "Champtier du Coq"], ["CRPVE, 1 rue Jules Vallès"]),
        ("Grigny", "91350", ["Grande Borne", "Grigny 2"], ["Centre de vie sociale Pablo Picasso"]),
        ("Corbeil-Essonnes", "91100", ["Tarterêts", "Montconseil"], ["Maison de quartier des Tarterêts"]),
        ("Les Ulis", "91940", ["Courdimanche", "Bathes"], ["Espace culturel Boris Vian"]),
        ("Massy", "91300", ["Opéra", "Villaine"], ["Espace Liberté"]),
        ("Ris-Orangis", "91130", ["Plateau"], ["Maison de quartier Olympe de Gouges"]),
        ("Viry-Châtillon", "91170", ["Plateau", "Cerisaie"], ["Centre social Les Horizons"]),
    ],
    "ville_caraibe": [
        ("Fort-de-France", "97200", ["Volga-Plage", "Trénelle-Citron", "Dillon", "Texaco"], ["Ville Caraïbe, immeuble Les Galbas", "Maison de quartier de Volga-Plage"]),
        ("Le Lamentin", "97232", ["Bas-Mission", "Pelletier"], ["Espace Culturel Joseph Zobel"]),
        ("Schœlcher", "97233", ["Terreville"], ["Médiathèque de Schœlcher"]),
        ("Le Robert", "97231", ["Cité Lacroix – Trou Terre"], ["Salle polyvalente du Robert"]),
        ("Sainte-Marie", "97230", ["Bezaudin – Morne des Esses"], ["Maison de la culture de Sainte-Marie"]),
        ("Le François", "97240", ["Bourg du François"], ["Centre culturel du François"]),
    ],
    "crpv_guyane": [
        ("Cayenne", "97300", ["Village Chinois", "Mont-Lucas", "Cité Césaire"], ["CRPV Guyane, 12 rue Lallouette", "Maison de quartier du Village Chinois"]),
        ("Kourou", "97310", ["Anciennes Cités", "Saramacca"], ["Maison des associations de Kourou"]),
        ("Saint-Laurent-du-Maroni", "97320", ["Les Écoles", "Balaté"], ["Camp de la Transportation"]),
        ("Matoury", "97351", ["Cogneau-Lamirande", "Concorde"], ["Centre social de Cogneau"]),
        ("Rémire-Montjoly", "97354", ["Arc-en-ciel"], ["Salle Félix Éboué"]),
    ],
    "cr_csur": [
        ("Saint-Denis", "97490", ["Le Chaudron", "Moufia", "Bas de la Rivière"], ["CR-CSUR, 2 rue Juliette Dodu", "Case du Chaudron"]),
        ("Saint-Pierre", "97410", ["Ravine Blanche", "Bois d'Olive"], ["Case de Ravine Blanche"]),
        ("Le Port", "97420", ["Rivière des Galets", "ZAC 2 – Ariste Bolon"], ["Maison des associations du Port"]),
        ("Saint-André", "97440", ["Cité Fayard", "Centre-ville"], ["Salle Jean Joly"]),
        ("Saint-Benoît", "97470", ["Bras-Fusil"], ["Case de Bras-Fusil"]),
        ("Le Tampon", "97430", ["Trois-Mares"], ["Médiathèque du Tampon"]),
    ],
    "maore_ouvoimoja": [
        ("Mamoudzou", "97600", ["Kawéni", "Cavani", "M'tsapéré"], ["GIP Maoré Ouvoimoja, Kawéni", "Pôle culturel de Chirongui"]),
        ("Koungou", "97690", ["Majicavo", "Trévani"], ["Mairie de Koungou, salle des fêtes"]),
        ("Dzaoudzi-Labattoir", "97615", ["La Vigie", "Labattoir"], ["Maison des jeunes de Labattoir"]),
        ("Sada", "97640", ["Mangajou"], ["Plateau polyvalent de Sada"]),
        ("Dembéni", "97660", ["Iloni", "Tsararano"], ["Centre universitaire de Dembéni"]),
    ],
    "crpv_guadeloupe": [
        ("Pointe-à-Pitre", "97110", ["Lauricisque", "Bergevin", "Henri IV"], ["CRPV Guadeloupe, immeuble Le Sécid", "Centre des arts et de la culture"]),
        ("Les Abymes", "97139", ["Grand-Camp", "Raizet", "Boissard"], ["Espace régional du Raizet"]),
        ("Basse-Terre", "97100", ["Rivière des Pères", "Bas du Bourg"], ["Salle Rémy Nainsouta"]),
        ("Baie-Mahault", "97122", ["Calvaire – Convenance"], ["Médiathèque de Baie-Mahault"]),
        ("Le Moule", "97160", ["Sergent – Bonan"], ["Centre culturel du Moule"]),
    ],
    "reseau_crpv": [
        ("Paris", "75007", ["Goutte d'Or", "Porte de la Chapelle"], ["ANCT, 20 avenue de Ségur"]),
        ("Paris", "75019", ["Flandre", "Stalingrad-Riquet"], ["Question de Ville, 5 rue des Haudriettes"]),
        ("Lille", "59000", ["Moulins"], ["Irev, 50 rue Gustave Delory"]),
        ("Strasbourg", "67100", ["Neuhof"], ["ORIV, 1 rue de la Course"]),
        ("Nantes", "44100", ["Bellevue"], ["RésO Villes, 2 rue Meuris"]),
        ("Marseille", "13013", ["Frais-Vallon"], ["Cité Ressources, 6 rue Montgrand"]),
    ],
}

OVERSEAS = {"ville_caraibe", "crpv_guyane", "cr_csur", "maore_ouvoimoja", "crpv_guadeloupe"}

# Subjects per theme id: (subject phrase starting with a lowercase article, short label).
THEMES: dict[str, list[str]] = {
    "participation": [
        "la participation des habitants aux instances de quartier",
        "les conseils citoyens, dix ans après leur création",
        "le pouvoir d'agir des habitants",
        "la co-construction des contrats de ville avec les habitants",
        "les budgets participatifs dans les quartiers populaires",
        "la place des associations de locataires",
    ],
    "education_jeunesse": [
        "les cités éducatives et la continuité éducative",
        "le programme de réussite éducative",
        "la place des jeunes dans l'espace public",
        "l'accompagnement à la scolarité et le soutien à la parentalité",
        "l'orientation des collégiens des quartiers prioritaires",
        "les vacances apprenantes et l'été culturel",
    ],
    "sante": [
        "la santé mentale des jeunes",
        "l'accès aux soins dans les quartiers prioritaires",
        "les contrats locaux de santé et les ateliers santé ville",
        "la santé communautaire et la médiation en santé",
        "la prévention du surpoids chez les enfants",
        "le non-recours aux droits de santé",
    ],
    "egalite_discriminations": [
        "la prévention des discriminations à l'embauche",
        "l'égalité femmes-hommes dans l'espace public",
        "la laïcité et les valeurs de la République",
        "les violences faites aux femmes",
        "la lutte contre le racisme et l'antisémitisme",
    ],
    "emploi_economie": [
        "l'accès à l'emploi des jeunes diplômés",
        "l'entrepreneuriat dans les quartiers",
        "les clauses d'insertion dans les marchés publics",
        "le commerce de proximité en pied d'immeuble",
        "les emplois francs",
        "l'économie sociale et solidaire",
    ],
    "renouvellement_urbain": [
        "le nouveau programme national de renouvellement urbain (NPNRU)",
        "la gestion urbaine et sociale de proximité",
        "le relogement des ménages et les stratégies de peuplement",
        "la concertation dans les projets de renouvellement urbain",
        "les maisons du projet",
        "la mémoire des quartiers en rénovation",
    ],
    "pilotage_contrat_de_ville": [
        "les contrats de ville « Engagements Quartiers 2030 »",
        "l'évaluation des contrats de ville",
        "la mobilisation du droit commun",
        "l'observation territoriale et les données des quartiers",
        "la géographie prioritaire 2024",
        "l'abattement de TFPB des bailleurs sociaux",
    ],
    "transitions": [
        "la transition écologique dans les quartiers populaires",
        "l'inclusion numérique et les conseillers numériques",
        "la précarité énergétique",
        "la nature en ville et les jardins partagés",
        "les mobilités du quotidien",
        "l'alimentation durable et les projets alimentaires territoriaux",
    ],
    "culture_memoire": [
        "l'éducation artistique et culturelle",
        "les mémoires des quartiers et de l'immigration",
        "les résidences d'artistes en quartier prioritaire",
        "la lecture publique et les bibliothèques",
    ],
    "acces_aux_droits": [
        "l'accès aux droits et le non-recours",
        "les maisons France Services",
        "la médiation sociale",
        "l'aller-vers les publics invisibles",
    ],
    "immigration_integration": [
        "le parcours d'intégration des primo-arrivants",
        "l'apprentissage du français et les ateliers sociolinguistiques",
        "les vieux migrants et l'accès aux droits",
        "l'accueil des personnes réfugiées",
    ],
    "developpement_territorial": [
        "la revitalisation des centres-bourgs",
        "les villes petites et moyennes",
        "le programme Action cœur de ville",
        "l'ingénierie territoriale",
    ],
    "securite_prevention": [
        "la prévention de la délinquance",
        "la tranquillité publique et la médiation de nuit",
        "la prévention de la radicalisation",
        "les conseils locaux de sécurité et de prévention de la délinquance",
    ],
}

# Overseas subjects and the theme they belong to (besides outre_mer).
OUTRE_MER_SUBJECTS = {
    "les spécificités des quartiers prioritaires ultramarins": "pilotage_contrat_de_ville",
    "l'habitat informel et la résorption de l'habitat insalubre": "renouvellement_urbain",
    "la jeunesse ultramarine et l'insertion professionnelle": "emploi_economie",
}

# How the centres label these themes in their own categories and tags.
THEME_LABELS = {
    "participation": "Participation des habitants", "education_jeunesse": "Éducation",
    "sante": "Santé", "egalite_discriminations": "Lutte contre les discriminations",
    "emploi_economie": "Emploi et insertion", "renouvellement_urbain": "Renouvellement urbain",
    "pilotage_contrat_de_ville": "Contrat de ville", "transitions": "Transition écologique",
    "culture_memoire": "Culture", "acces_aux_droits": "Accès aux droits",
    "immigration_integration": "Immigration - Intégration",
    "developpement_territorial": "Développement territorial",
    "securite_prevention": "Prévention de la délinquance", "outre_mer": "Outre-mer",
}

THEME_WEIGHTS = [
    ("participation", 6), ("education_jeunesse", 7), ("sante", 6),
    ("egalite_discriminations", 5), ("emploi_economie", 6), ("renouvellement_urbain", 6),
    ("pilotage_contrat_de_ville", 7), ("transitions", 4), ("culture_memoire", 3),
    ("acces_aux_droits", 3), ("immigration_integration", 2), ("developpement_territorial", 3),
    ("securite_prevention", 2),
]

NEWS_TITLES = [
    "{Subj} : {city} s'engage dans le quartier {qpv}",
    "{city}, quartier {qpv} : retour sur un an d'actions pour {subj}",
    "Appel à projets {year} : {subj}",
    "Retour sur la journée régionale consacrée à {subj}",
    "{Subj} : les premiers enseignements de l'enquête régionale",
    "À {city}, les habitants de {qpv} se mobilisent autour de {subj}",
    "{Subj} : un nouveau groupe de travail régional",
    "{Subj} : ce que change la circulaire du {day}",
    "Portrait : une coordinatrice de {city} engagée pour {subj}",
    "{Subj} : trois questions à l'équipe projet de {city}",
    "Quartiers prioritaires : {subj} au cœur des échanges à {city}",
    "Lancement du cycle « {Subj} »",
]

EVENT_TYPES = [
    ("Webinaire", "webinaire"), ("Séminaire", "seminaire"), ("Atelier", "atelier"),
    ("Journée régionale", "journee"), ("Rencontre", "rencontre"),
    ("Cycle de qualification", "cycle"), ("Formation", "formation"),
    ("Visite de site", "visite"), ("Soirée-débat", "soiree"), ("Forum", "forum"),
]

EVENT_TITLES = [
    "{Type} « {Subj} »",
    "{Type} : {subj}",
    "{Type} – {subj} ({city})",
    "{Type} : {subj} à {city}",
]

DOC_TITLES = [
    "Guide pratique : {subj}",
    "Étude : {subj} dans les quartiers prioritaires",
    "Fiche expérience – {city} ({qpv}) : {subj}",
    "Actes de la journée « {Subj} »",
    "Note de synthèse : {subj}",
    "Repères n°{n} – {Subj}",
    "Cahier thématique : {subj}",
]

# Titles with "&" and an apostrophe (printed as &amp; and &#8217; by WordPress).
AMP_TITLES = [
    ("Emploi & quartiers : l'essentiel du rapport de l'ONPV pour {city}", "emploi_economie"),
    ("Santé & précarité : l'enquête menée à {city} est en ligne", "sante"),
    ("Jeunesse & citoyenneté : l'appel à projets {year} est ouvert", "education_jeunesse"),
    ("Habitat & cadre de vie : l'expérience du quartier {qpv}", "renouvellement_urbain"),
    ("Laïcité & valeurs de la République : l'offre de formation {year}", "egalite_discriminations"),
    ("Culture & mémoire : l'exposition des habitants de {qpv}", "culture_memoire"),
]

# Numbered series published as bare PDFs (no landing page).
SERIES = {
    "spip": "La Lettre de {short} n°{n} – {month} {year}",
    "custom_php": "Les Cahiers de {short} n°{n} – {month} {year}",
}

OPENINGS = [
    "Dans le cadre de son programme de travail {year}, {centre} a réuni les professionnels de la politique de la ville autour de {subj}.",
    "À {city}, dans le quartier {qpv}, les acteurs locaux travaillent depuis plusieurs mois sur {subj}.",
    "{Subj} : le sujet revient régulièrement dans les échanges avec les chefs de projet politique de la ville du territoire.",
    "Les équipes de {centre} accompagnent les collectivités et leurs partenaires sur {subj}.",
]

# Theme-neutral sentences: they must not suggest a theme the item is not about.
SENTENCES = [
    "Les délégués du préfet, les chefs de projet et les partenaires associatifs ont partagé leurs constats.",
    "Les acteurs du quartier {qpv} ont été associés dès la phase de diagnostic.",
    "Un premier bilan montre une forte mobilisation des associations de proximité.",
    "Le centre de ressources met à disposition une sélection de ressources et de retours d'expériences.",
    "Les échanges ont permis d'identifier des leviers concrets pour agir localement.",
    "La démarche associe l'État, la collectivité et leurs partenaires.",
    "L'intervention s'appuie sur un diagnostic partagé par l'ensemble des partenaires.",
    "À {city}, l'équipe projet a mis en place un comité de suivi réunissant les partenaires tous les trimestres.",
    "Les participants ont visité plusieurs équipements du quartier {qpv}.",
    "Ce travail a donné lieu à une note de capitalisation disponible en téléchargement.",
    "Les inscriptions sont ouvertes aux professionnels et aux bénévoles du territoire.",
    "La rencontre est gratuite, sur inscription préalable, dans la limite des places disponibles.",
    "Les intervenants ont rappelé que près de 5,3 millions de personnes vivent dans les 1 584 quartiers prioritaires.",
    "Le projet est cofinancé par l'Agence nationale de la cohésion des territoires (ANCT).",
    "Des élus, des agents de développement local et des professionnels de terrain ont témoigné de leurs pratiques.",
]

# Sentences that carry a theme, so a reader (or a classifier) can tell what the item is about.
THEME_SENTENCES: dict[str, list[str]] = {
    "participation": [
        "Les conseils citoyens et les associations d'habitants ont pris part à chaque étape.",
        "La démarche vise à renforcer le pouvoir d'agir et la participation citoyenne des habitants.",
        "Des ateliers de concertation ont réuni une soixantaine d'habitants.",
    ],
    "education_jeunesse": [
        "La cité éducative réunit l'Éducation nationale, la ville et les associations autour des enfants et des jeunes.",
        "Le programme de réussite éducative accompagne plus de 200 enfants et leurs familles.",
        "Les collégiens et les lycéens du quartier ont été associés à la démarche.",
    ],
    "sante": [
        "Le contrat local de santé prévoit des actions de prévention et de promotion de la santé.",
        "Les médiateurs en santé facilitent l'accès aux soins des habitants les plus éloignés.",
        "La santé mentale des jeunes est au cœur des préoccupations des professionnels.",
    ],
    "egalite_discriminations": [
        "La lutte contre les discriminations et l'égalité entre les femmes et les hommes sont des axes transversaux du contrat.",
        "Les formations « Valeurs de la République et laïcité » ont réuni des professionnels de terrain.",
        "Le plan territorial de lutte contre les discriminations a été actualisé.",
    ],
    "emploi_economie": [
        "L'accès à l'emploi et le développement économique des quartiers restent des priorités.",
        "Les entreprises du territoire se sont engagées à recruter des demandeurs d'emploi du quartier.",
        "Les créateurs d'entreprise bénéficient d'un accompagnement renforcé.",
    ],
    "renouvellement_urbain": [
        "Le projet de renouvellement urbain prévoit la démolition de 300 logements et la reconstruction d'équipements.",
        "La gestion urbaine de proximité accompagne les habitants pendant toute la durée des travaux.",
        "Le relogement des ménages est suivi par une équipe dédiée avec les bailleurs sociaux.",
    ],
    "pilotage_contrat_de_ville": [
        "Le contrat de ville « Engagements Quartiers 2030 » fixe les priorités jusqu'en 2030.",
        "L'évaluation du contrat de ville s'appuie sur les données de l'observatoire territorial.",
        "La mobilisation du droit commun est discutée chaque année en comité de pilotage.",
    ],
    "transitions": [
        "La transition écologique des quartiers passe par la rénovation énergétique et la nature en ville.",
        "Les conseillers numériques accompagnent les habitants dans leurs démarches en ligne.",
        "Un jardin partagé et un atelier de réparation de vélos ont vu le jour.",
    ],
    "culture_memoire": [
        "Les habitants ont collecté des récits et des photographies pour garder la mémoire du quartier.",
        "Une résidence d'artistes a associé les écoles et la médiathèque.",
        "L'éducation artistique et culturelle touche désormais toutes les écoles du quartier.",
    ],
    "acces_aux_droits": [
        "La lutte contre le non-recours aux droits passe par des permanences au plus près des habitants.",
        "L'« aller-vers » permet de toucher les publics les plus éloignés des institutions.",
        "La maison France Services accueille les habitants pour leurs démarches administratives.",
    ],
    "immigration_integration": [
        "Les ateliers sociolinguistiques facilitent l'apprentissage du français par les personnes immigrées.",
        "Le parcours d'intégration des primo-arrivants mobilise plusieurs associations.",
        "Les personnes réfugiées bénéficient d'un accompagnement vers le logement et l'emploi.",
    ],
    "developpement_territorial": [
        "La revitalisation du centre-bourg associe commerces, habitat et services publics.",
        "Les villes petites et moyennes disposent d'une ingénierie territoriale renforcée.",
        "Le programme Action cœur de ville finance la rénovation des commerces du centre.",
    ],
    "securite_prevention": [
        "Le conseil local de sécurité et de prévention de la délinquance a validé un nouveau plan d'actions.",
        "La médiation de nuit contribue à la tranquillité publique du quartier.",
        "La prévention de la délinquance des mineurs mobilise éducateurs et familles.",
    ],
    "outre_mer": [
        "Les quartiers prioritaires ultramarins présentent des spécificités fortes : habitat informel, jeunesse nombreuse.",
    ],
}

CLOSINGS = [
    "Pour en savoir plus, contactez l'équipe de {centre}.",
    "Retrouvez l'ensemble des ressources sur ce thème dans notre centre de documentation.",
    "Ce temps d'échange sera suivi d'une publication de capitalisation.",
    "Merci à toutes et à tous pour la qualité des échanges !",
]


EVENT_CLOSINGS = [
    "Inscription gratuite mais obligatoire.",
    "Le programme détaillé sera diffusé aux personnes inscrites.",
    "Informations et inscriptions auprès de l'équipe de {centre}.",
]
ONLINE_CLOSING = "Le lien de connexion vous sera transmis quelques jours avant la rencontre."


def weighted_theme(rng) -> str:
    """A theme id drawn with the network's rough frequencies."""
    total = sum(w for _, w in THEME_WEIGHTS)
    pick = rng.randrange(total)
    for theme, weight in THEME_WEIGHTS:
        if pick < weight:
            return theme
        pick -= weight
    return THEME_WEIGHTS[-1][0]


def cap(text: str) -> str:
    """Capitalise the first letter only."""
    return text[:1].upper() + text[1:]


CONTRACTIONS = [(" à le ", " au "), (" à les ", " aux "), (" de le ", " du "),
                (" de les ", " des "), ("À le ", "Au "), ("De le ", "Du "),
                (" à Le ", " au "), (" à Les ", " aux "), (" de Le ", " du "), (" de Les ", " des "),
                ("À Le ", "Au "), ("À Les ", "Aux ")]
ELISION = re.compile(r"\b([dD])e (?=[AEÉÈIÎOÔUYŒaeéèiîoôuyœ])")


def contract(text: str) -> str:
    """French contractions and elisions after templating ("à le pouvoir" → "au pouvoir",
    "à Le Havre" → "au Havre", "de Amiens" → "d'Amiens")."""
    for old, new in CONTRACTIONS:
        text = text.replace(old, new)
    return ELISION.sub(r"\1'", text)


def fill(template: str, **values: str) -> str:
    """Format a template (with capitalised `Subj`), then apply French contractions; a
    template's "dans les quartiers prioritaires" is left out when the subject says it."""
    if "subj" in values:
        values["Subj"] = cap(values["subj"])
        if "quartiers prioritaires" in values["subj"]:
            template = template.replace(" dans les quartiers prioritaires", "")
    return contract(template.format(**values))


def paragraphs(rng, count: int, theme: str | None = None, closings: list[str] | None = None,
               **values: str) -> list[str]:
    """`count` paragraphs of plausible French prose about one subject and place; with
    `theme`, some sentences name that theme's vocabulary."""
    out = [fill(rng.choice(OPENINGS), **values)]
    themed = list(THEME_SENTENCES.get(theme, [])) if theme else []
    rng.shuffle(themed)
    for _ in range(count - 1):
        picked = [fill(s, **values) for s in rng.sample(SENTENCES, 2)]
        if themed:
            picked.insert(rng.randrange(3), themed.pop())
        else:
            picked.append(fill(rng.choice(SENTENCES), **values))
        out.append(" ".join(picked))
    out.append(fill(rng.choice(closings or CLOSINGS), **values))
    return out
